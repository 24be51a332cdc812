"""The Sonic WebSocket protocol: typed messages shared by the client and the local server."""
