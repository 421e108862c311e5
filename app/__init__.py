"""nnplay's web server: the FastAPI app, websocket sessions, frame encoding and the CLI."""
