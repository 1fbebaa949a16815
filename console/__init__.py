"""OTP verification console: fire, watch and debug phone-verification providers."""

__version__ = "0.2.0"
APP_NAME = "OTP Console"
APP_ID = "otp-console"
