"""XLSX workbooks sent while they are written: the first bytes leave at once and memory stays flat however many
rows follow.

openpyxl's write-only mode already writes each row's XML as it is appended, but into a temporary file that is
zipped into the workbook only when it is saved, after the last row. Here each sheet's XML goes straight into its
entry of a zip archive written to a stream (entries with data descriptors, so nothing is sought back), and the
archive's bytes are handed over as they come (take()). The workbook's other parts (styles, the workbook itself)
are openpyxl's own, written at the end, as a zip allows."""
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter


class _Sink:
    """A write-only stream that keeps what it is given until taken (zipfile writes to it, never seeks)."""

    def __init__(self):
        self.chunks = []

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def take(self) -> bytes:
        data, self.chunks = b"".join(self.chunks), []
        return data


class _Writer(ExcelWriter):
    """openpyxl's writer, but each sheet's XML is already in the archive (StreamedWorkbook wrote it there)."""

    def write_worksheet(self, ws):
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        ws._rels = ws._writer._rels
        self.manifest.append(ws)


class StreamedWorkbook:
    """A write-only workbook whose bytes are taken as it grows: sheet() starts a sheet (set its columns and frozen
    panes before its first row), append() adds a row to it, take() hands over what is written, finish() the rest."""

    def __init__(self):
        self.book = Workbook(write_only=True)
        self._sink = _Sink()
        self._archive = ZipFile(self._sink, "w", ZIP_DEFLATED, allowZip64=True)
        self._sheet = self._entry = None

    def sheet(self, title: str):
        self._close_sheet()
        self._sheet = self.book.create_sheet(title)
        self._sheet._id = len(self.book.worksheets)  # the entry's name (openpyxl numbers the sheets so when saving)
        return self._sheet

    def append(self, row):
        if self._entry is None:
            self._entry = self._archive.open(self._sheet.path[1:], "w", force_zip64=True)
            self._sheet._writer = WorksheetWriter(self._sheet, out=self._entry)
            self._sheet._writer.write_top()
        self._sheet.append(row)

    def take(self) -> bytes:
        return self._sink.take()

    def finish(self) -> bytes:
        self._close_sheet()
        _Writer(self.book, self._archive).save()
        return self._sink.take()

    def _close_sheet(self):
        if self._sheet is None:
            return
        if self._entry is None:
            self.append([])  # a sheet without rows still has its XML
        self._sheet.close()
        self._entry.close()
        self._sheet = self._entry = None
