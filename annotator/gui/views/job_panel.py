"""A progress bar with Cancel for one background job, embedded in the dialog that started it, so
the window stays usable while the job runs and Cancel stops it cleanly between steps."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from annotator.gui.tasks import BackgroundJob


class JobPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = QProgressBar(self)
        self.bar.setTextVisible(True)
        self.cancel_button = QPushButton("Cancel", self)
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel_button)
        self.job: BackgroundJob | None = None
        self.cancel_button.clicked.connect(self.cancel)
        self.setVisible(False)

    def follow(self, job: BackgroundJob) -> None:
        self.job = job
        self.bar.setRange(0, 0)  # busy until the first report
        self.cancel_button.setEnabled(True)
        self.setVisible(True)
        job.progress.connect(self._progress)
        for signal in (job.finished, job.failed, job.cancelled):
            signal.connect(self._done)

    def _progress(self, done: int, total: int, message: str) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(done)
            self.bar.setFormat(f"%v of %m {message}".rstrip())

    def cancel(self) -> None:
        if self.job is not None:
            self.cancel_button.setEnabled(False)
            self.bar.setFormat("Cancelling…")
            self.job.cancel()

    def _done(self, *_: object) -> None:
        self.setVisible(False)
        self.job = None
