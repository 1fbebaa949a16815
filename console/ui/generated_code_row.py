"""The code the console makes and checks itself, for providers that do not check codes: length, validity, tries."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QWidget

from console.providers.spec import ProviderSpec


class GeneratedCodeRow(QWidget):
    """The "Generated code:" spin boxes; hidden until the form shows it for a send that carries a code.

    Attributes:
        length: how many digits the code has (spec default).
        ttl: how many seconds the code stays valid (spec default).
        max_attempts: how many wrong codes the check accepts before the verification fails.
    """

    def __init__(self, spec: ProviderSpec) -> None:
        super().__init__()
        self.length = QSpinBox(minimum=4, maximum=8, value=spec.code_length, suffix=" digits")
        self.ttl = QSpinBox(minimum=10, maximum=86_400, value=spec.code_ttl_s, suffix=" s valid")
        self.max_attempts = QSpinBox(minimum=1, maximum=20, value=5, suffix=" wrong tries")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Generated code:"))
        for spin in (self.length, self.ttl, self.max_attempts):
            row.addWidget(spin)
        row.addStretch(1)
        self.setToolTip("The console makes the code, keeps a salted hash, and checks what the user types")
        self.setVisible(False)
