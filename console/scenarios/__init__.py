"""Scenarios: a verification's lifecycle written as steps with expectations, run on the simulators or live.

A layer above the service (it drives the simulators' virtual phone and reads the listener's rows) and below
the faces: the CLI's ``scenario`` command and the GUI's Scenarios pane run the same steps the same way.
"""
