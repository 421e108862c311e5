"""Dependencies shared by the routers, as Annotated aliases."""

from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from .manager import SessionManager
from .rooms import Rooms
from .scheduler import Scheduler
from .settings import Settings


def get_settings(conn: HTTPConnection) -> Settings:
    return conn.app.state.settings


def get_manager(conn: HTTPConnection) -> SessionManager:
    return conn.app.state.manager


def get_scheduler(conn: HTTPConnection) -> Scheduler:
    return conn.app.state.scheduler


def get_rooms(conn: HTTPConnection) -> Rooms:
    return conn.app.state.rooms


SettingsDep = Annotated[Settings, Depends(get_settings)]
ManagerDep = Annotated[SessionManager, Depends(get_manager)]
SchedulerDep = Annotated[Scheduler, Depends(get_scheduler)]
RoomsDep = Annotated[Rooms, Depends(get_rooms)]
