"""The webhook listener: a loopback aiohttp server on its own thread that records, verifies and ties callbacks.

``capture`` reads a request into an :class:`~console.providers.webhook.Incoming`, ``secrets`` finds the secrets
to verify with, ``handling`` decides what a request is, ``rows`` builds its log row and ``refusals`` the rows of
requests never read in full (too large, cut off, refused by the HTTP parser), ``server`` runs the HTTP server
(store before reply, configurable replies, forwarding), ``delivery`` sends raw requests (forwarding, replay).
"""
