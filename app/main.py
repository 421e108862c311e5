"""The app factory: create_app(settings) gives a fresh, self-contained FastAPI app."""

import asyncio
from contextlib import asynccontextmanager
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from . import api, pages, ws
from .manager import SessionManager
from .paths import STATIC_DIR, VERSION
from .scheduler import Scheduler
from .settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    manager = SessionManager(settings)
    scheduler = Scheduler()

    @asynccontextmanager
    async def lifespan(app):
        reaper = asyncio.create_task(manager.reap_forever())
        try:
            yield
        finally:
            reaper.cancel()
            scheduler.stop()
            manager.close_all()

    app = FastAPI(title="nnplay", version=VERSION, lifespan=lifespan)
    app.state.settings = settings
    app.state.manager = manager
    app.state.scheduler = scheduler
    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(ws.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
