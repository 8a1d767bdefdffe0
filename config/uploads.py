"""Uploads are measured while they are read, not after.

:class:`SizeLimitedUploadHandler` runs before Django's own handlers: it counts each file's
bytes as they arrive and, once a file passes ``UPLOAD_MAX_BYTES`` (the largest file any form
accepts), passes nothing more on, so no larger file is ever held in memory or written to disk.
The form then receives an empty stand-in of the file's real size and refuses it with its own
message ("at most 10 MB")."""

import io

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class OversizedUpload(UploadedFile):
    """What remains of a file that was too large: its name, type and size, no content."""

    def __init__(self, name: str, content_type: str, size: int) -> None:
        super().__init__(io.BytesIO(b""), name=name, content_type=content_type, size=size)


class SizeLimitedUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        return raw_data if self.received <= settings.UPLOAD_MAX_BYTES else None

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.received <= settings.UPLOAD_MAX_BYTES:
            return None  # the next handler (memory or temporary file) has it all
        return OversizedUpload(self.file_name, self.content_type, self.received)
