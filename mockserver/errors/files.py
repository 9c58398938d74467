"""D4: AttachmentService's faults (files, chunks, stamp series)."""

from __future__ import annotations

from mockserver.errors.base import UNABLE_TO_PROCESS, VendorError


class FileFault(VendorError):
    """D4: an AttachmentService call the vendor's code would throw on (an unknown file, a chunk
    past the end, a file that is not of its declared type): ``soap:Server`` with ASP.NET's
    prefix, as an exception inside an ASMX method is (the texts: interpretation)."""

    template = UNABLE_TO_PROCESS + "{message}"


class FileNotFound(FileFault):
    def __init__(self, file_id):
        super().__init__(message=f"File with Id {file_id} was not found.")


class FileAlreadySaved(FileFault):
    def __init__(self, file_id):
        super().__init__(message=f"File with Id {file_id} is saved and can no longer be changed.")


class ChunkOffsetInvalid(FileFault):
    def __init__(self, offset, size: int):
        super().__init__(message=f"Offset {offset} is outside the file ({size} bytes uploaded); "
                                 "append at the end of what was uploaded.")


class ChunkLengthInvalid(FileFault):
    def __init__(self, length, size: int):
        super().__init__(message=f"bufferLength {length} is outside the buffer of {size} bytes.")


class FileEmpty(FileFault):
    def __init__(self, file_id):
        super().__init__(message=f"File with Id {file_id} is empty; upload it with AppendChunk "
                                 "before Save.")


class FileTypeMismatch(FileFault):
    def __init__(self, file_id, image_type: str):
        super().__init__(message=f"File with Id {file_id} is not a valid {image_type} file.")


class ImageTypeUnknown(FileFault):
    def __init__(self, accepted: str):
        super().__init__(message=f"ImageType Unknown is not accepted; use one of {accepted}.")


class FileTooLarge(FileFault):
    def __init__(self, limit: int):
        super().__init__(message=f"A file is at most {limit} bytes (--limit attachment_bytes="
                                 f"{limit}); nothing was changed.")


class UnknownStampSeries(FileFault):
    def __init__(self, series_id):
        super().__init__(message=f"Stamp number series {series_id} was not found.")

