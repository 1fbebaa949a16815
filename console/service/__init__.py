"""The service layer both faces call: operations (``console_service``), credentials, profiles, the spend guard.

It sits above the providers, the listener and the tools and below the faces; it never imports Qt or the
simulators: whoever builds a :class:`~console.service.console_service.ConsoleService` gives it its providers
and the running simulators' URLs.
"""
