"""HTTP routes of rooms (rooms.py; docs/protocol.md, Rooms):

    POST   /api/rooms          {"token", "teacher"?}  open a room on the teacher's session
                                                      (from this machine only: security.py)
    POST   /api/rooms/join     {"code", "name", "show_name"?}   a student joins by the room's
                                                      code (show_name: their name may be shown
                                                      on the projector; default false)
    GET    /api/rooms/{code}   Authorization: Bearer TEACHER_TOKEN   the room and its students
    DELETE /api/rooms/{code}   Authorization: Bearer TEACHER_TOKEN   close the room

Bodies are read here, not by FastAPI's models, so that every refusal has the one shape of a
room error: {"detail": {"code", "field", "value", "allowed", "message"}}, with the status
RoomError names. Tokens travel in bodies and headers, never in URLs.
"""

import json

from fastapi import APIRouter, HTTPException, Request

from .deps import ManagerDep, RoomsDep
from .replies import shown
from .rooms import RoomError

router = APIRouter(prefix="/api/rooms")
MAX_BODY_BYTES = 4096
TOKEN_ALLOWED = "the resume token of the session, as its hello gave it"


def refused(e):
    return HTTPException(e.status, {"code": e.code, "field": e.field, "value": shown(e.value),
                                    "allowed": e.allowed, "message": str(e)})


async def body_of(request, fields):
    """The JSON object a request carries, with only `fields` (name -> required)."""
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise RoomError(413, "too_large", f"a body of {len(raw)} bytes is more than the "
                        f"{MAX_BODY_BYTES} a room request may be", "body", len(raw),
                        f"at most {MAX_BODY_BYTES} bytes")
    try:
        body = json.loads(raw or b"null")
    except ValueError:
        body = None
    example = "{" + ", ".join(f'"{name}": ...' for name in fields) + "}"
    if not isinstance(body, dict):
        raise RoomError(422, "invalid_value", f"the body must be a JSON object like {example}",
                        "body", raw[:100].decode("utf-8", "replace"), example)
    for name in body:
        if name not in fields:
            raise RoomError(422, "invalid_value", f"{name!r} is not a field of this request; "
                            f"its fields: {', '.join(fields)}", name, body[name],
                            "no such field")
    for name, required in fields.items():
        if required and name not in body:
            raise RoomError(422, "invalid_value", f"{name} is missing", name, None,
                            "this field is required")
    return body


@router.post("", status_code=201)
async def create_room(request: Request, rooms: RoomsDep, manager: ManagerDep):
    """Open a room on the session whose resume token is given (the teacher's page's)."""
    try:
        body = await body_of(request, {"token": True, "teacher": False})
        token = body["token"]
        session = rooms.place.session_of(token)  # here, or on a cluster's host
        if session is None:
            raise RoomError(404, "no_session", "no session with that token is open on this "
                            "server; open nnplay's page first and use its resume token",
                            "token", "<a token>" if isinstance(token, str) else token,
                            TOKEN_ALLOWED)
        room, teacher_token, existing = await rooms.create(session,
                                                           body.get("teacher", "Teacher"))
    except RoomError as e:
        raise refused(e) from None
    return {"code": room.shown, "join_path": f"/join/{room.shown}",
            "teacher_token": teacher_token, "existing": existing, "room": room.summary()}


@router.post("/join")
async def join_room(request: Request, rooms: RoomsDep):
    """A student joins a room by its code, with a display name."""
    try:
        body = await body_of(request, {"code": True, "name": True, "show_name": False})
        client = request.client.host if request.client else None
        room, member, token = await rooms.join(body["code"], body["name"], client,
                                               body.get("show_name", False))
    except RoomError as e:
        raise refused(e) from None
    return {"student_token": token, "student": {"id": member.id, "name": member.name,
                                                "show_name": member.show_name},
            "room": room.summary()}


def teachers(rooms, code, request):
    """The room of `code`, when the request carries its teacher token."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    try:
        return rooms.teacher_room(code, token.strip() if scheme.lower() == "bearer" else None)
    except RoomError as e:
        raise refused(e) from None


@router.get("/{code}")
async def get_room(code: str, request: Request, rooms: RoomsDep):
    """The room and its students, for its teacher."""
    return rooms.roster(teachers(rooms, code, request))


@router.delete("/{code}")
async def close_room(code: str, request: Request, rooms: RoomsDep):
    """Close the room: its students' connections get `room_closed` and end."""
    room = teachers(rooms, code, request)
    return {"closed": room.shown, "students": await rooms.close(room)}
