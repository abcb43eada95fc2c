"""The REST API over a store: ``sitrep.web.app.create_app(db)`` gives the FastAPI app."""
