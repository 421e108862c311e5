"""Dependencies shared by the routers, as Annotated aliases."""

from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from .manager import SessionManager
from .settings import Settings


def get_settings(conn: HTTPConnection) -> Settings:
    return conn.app.state.settings


def get_manager(conn: HTTPConnection) -> SessionManager:
    return conn.app.state.manager


SettingsDep = Annotated[Settings, Depends(get_settings)]
ManagerDep = Annotated[SessionManager, Depends(get_manager)]
