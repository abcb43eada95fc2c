"""What the place finder hands on: the text's mentions and where they sit."""
from __future__ import annotations

from dataclasses import dataclass, field

from sitrep.geo.gazetteer import Candidate
from sitrep.geo.tokens import Tokens


@dataclass(slots=True)
class Mention:
    """A name in the text and what the words around it say."""

    start: int
    end: int  # end of the mention, designator words included ("Brest region")
    key: str  # folded name
    candidates: tuple[Candidate, ...]
    first: int  # index of the first token
    last: int  # index of the last token of the name
    mode: str = "bare"  # bare | region | place | territory | capital | capital_region
    designator: str | None = None  # the word after the name that set the mode ("regions")
    cue: str | None = None  # "strong" ("village of X", "X region", "X, Belarus") | "weak" ("in X")
    actor: bool = False
    context_only: bool = False  # a demonym: tells the country, is no place
    within: int | None = None  # index of the mention that holds this one
    # held by a name after a comma that may be a town or its region ("Pavlivka, Sumy")
    within_by_comma: bool = False
    prep: str | None = None  # the preposition that set a weak cue ("in", "of")
    head: int | None = None  # index of the first mention of a list this one belongs to
    sentence: int = 0
    paragraph: int = 0
    country_ref: str | None = None  # for "the capital of Belarus": the country named
    initial: bool = False  # first word of its sentence (capitalised whatever it is)
    # inside a longer run of capitalised words that is not itself a place: "lead" when the
    # name opens the run ("Mykolaiv Oncology Hospital", but also "Casey Merriman"), "inner"
    # when a capitalised word comes before it ("Brandon Lewis"); "" when free-standing
    embedded: str = ""
    lowercase: bool = False  # written in lower case ("fires in kharkiv"): big towns only
    near: int | None = None  # index of the mention this one lies near ("Bucha near Kyiv")


@dataclass(slots=True)
class Found:
    text: str
    tokens: Tokens
    sentences: list[tuple[int, int]]
    paragraphs: list[tuple[int, int]]
    mentions: list[Mention] = field(default_factory=list)
    # links[i]: tokens i and i + 1 are joined by spaces alone (``cues.links``)
    links: list[bool] = field(default_factory=list)

    def sentence_text(self, mention: Mention) -> str:
        start, end = self.sentences[mention.sentence]
        return self.text[start:end]
