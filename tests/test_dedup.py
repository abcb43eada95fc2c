"""Near-duplicate detection: syndicated copies are found, different stories are not."""
from sitrep import dedup

STORY = ("Air defences shot down most of the drones launched overnight at the capital, the city "
         "administration said on Monday, adding that debris damaged two houses in a western district "
         "and that emergency crews had put out a fire at a warehouse. Power was restored by morning. "
         "Officials urged residents to stay in shelters during the alerts, which lasted four hours.")
# A syndicated copy: another header, sentences reordered, a few words edited.
COPY = ("Officials urged residents to stay in shelters during the alerts, which lasted four hours. "
        "Air defences shot down most of the drones launched overnight at the capital, the city "
        "administration said on Monday, adding that debris damaged two houses in a western district "
        "and that emergency crews had extinguished a fire at a warehouse. Power was back by morning.")
OTHER = ("Talks between the two foreign ministers ended without agreement on Tuesday, with both sides "
         "blaming the other for the lack of progress on grain exports and prisoner exchanges, and "
         "diplomats said a new round could be held next month in a neutral capital.")


def test_copy_is_similar_and_other_story_is_not():
    a, b, c = (dedup.signature(t) for t in (STORY, COPY, OTHER))
    assert dedup.similarity(a, b) >= dedup.THRESHOLD
    assert dedup.similarity(a, c) < 0.2


def test_copy_shares_a_bucket():
    a, b = dedup.signature(STORY), dedup.signature(COPY)
    assert set(dedup.buckets(a)) & set(dedup.buckets(b))


def test_best_match_takes_earliest_above_threshold():
    a, b, c = (dedup.signature(t) for t in (STORY, COPY, OTHER))
    assert dedup.best_match(b, [("other", c), ("story", a)]) [0] == "story"
    assert dedup.best_match(c, [("story", a)]) is None
