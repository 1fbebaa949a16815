"""The Qt-free core: records, errors, HTTP, history, settings and the service both faces call."""
