"""The app factory: create_app(settings) gives a fresh, self-contained FastAPI app."""

import asyncio
from contextlib import asynccontextmanager
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from . import api, joining, pages, rooms_api, sweeps, ws
from .checkpoints import Checkpoints
from .manager import SessionManager
from .paths import STATIC_DIR, VERSION
from .places import LocalPlace
from .rooms import Rooms
from .roomstore import RoomStore
from .scheduler import Scheduler
from .security import (AllowedHosts, AllowedHostsMiddleware, LocalOnlyMiddleware,
                       SecurityHeadersMiddleware)
from .settings import Settings
from .transport import ServerCloseMiddleware


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    checkpoints = Checkpoints(settings)  # a corrupt runs database is moved aside here
    manager = SessionManager(settings, checkpoints)
    scheduler = Scheduler()
    relay, place = None, LocalPlace(manager, scheduler)
    if settings.workers or settings.ray_address:  # sessions on Ray workers (app/cluster)
        from .cluster import Relay
        from .cluster.rooms import ClusterPlace

        relay = Relay(settings, checkpoints)
        place = ClusterPlace(relay)
    rooms = Rooms(settings, manager, None if checkpoints.store is None
                  else RoomStore(checkpoints.store),  # a bad --room-size stops nnplay here
                  place=place)
    if relay is not None:
        relay.rooms = rooms
        relay.connect()  # Ray started or joined now: a bad address stops nnplay here
    if relay is None:  # a sweep's runs train in turn here, or in parallel on the hosts
        sweeper = sweeps.Sweeps(settings, sweeps.LocalTrainer(settings, scheduler),
                                sweeps.local_saver(checkpoints))
    else:
        from .cluster.sweeps import cluster_sweeps

        sweeper = cluster_sweeps(settings, relay)

    @asynccontextmanager
    async def lifespan(app):
        tasks = [asyncio.create_task(manager.reap_forever()),
                 asyncio.create_task(checkpoints.run(manager))]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            sweeper.close()  # running sweeps stop; their finished runs are saved already
            if relay is not None:
                await relay.close()  # the hosts' runs saved, then Ray left (or stopped)
            scheduler.stop()
            manager.close_all()  # every run is saved as it is now
            checkpoints.close()

    # No /docs or /redoc: FastAPI's pages load Swagger UI and ReDoc from a CDN, which breaks
    # offline and brings a third party into a local tool. /openapi.json stays (the wheel's
    # smoke test reads the version from it); docs/protocol.md is the reference.
    app = FastAPI(title="nnplay", version=VERSION, lifespan=lifespan, docs_url=None,
                  redoc_url=None)
    app.state.settings = settings
    app.state.manager = manager
    app.state.rooms = rooms
    app.state.scheduler = scheduler
    app.state.relay = relay
    app.state.sweeps = sweeper
    app.state.hosts = hosts = AllowedHosts.from_settings(settings)
    # The last added runs first: headers on every response, the Host check, then the routes
    # for this machine only.
    app.add_middleware(LocalOnlyMiddleware)
    app.add_middleware(ServerCloseMiddleware)
    app.add_middleware(AllowedHostsMiddleware, hosts=hosts)
    app.add_middleware(SecurityHeadersMiddleware, hosts=hosts)  # outside: 400s carry it too
    if relay is not None:
        app.include_router(relay.router)  # first: its /ws and /api/stats take their places
    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(rooms_api.router)
    app.include_router(joining.router)  # the join URL's QR code
    app.include_router(sweeps.router)
    app.include_router(ws.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
