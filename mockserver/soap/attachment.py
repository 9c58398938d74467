"""AttachmentService (SPEC D4): upload a file in chunks, save it under a stamp number, read it.

The flow the WSDL documents: ``GetStampNo`` (not reserved), ``Create`` a "ghost file" of an
``ImageType``, ``AppendChunk`` its bytes (each chunk a request body: ``GetMaxRequestLength``
kB), ``Save`` it (``ImageFrameInfo`` or the file's ``StampNo``, a location such as Journal).
That StampNo on a SaveBundleList entry is accepted once (S7). Problems are Server faults (the
vendor's methods throw; interpretation). The schema is the vendor's WSDL (``schema.py``).
"""

from __future__ import annotations

from .. import errors
from ..ledger.attachments import checksum_of
from ..ledger.fixtures import fixtures_dir
from . import records
from .schema import WsdlService


def _model(name):
    return SERVICE.type(name)


def _file_id(file) -> int | None:
    if not isinstance(file, dict):
        raise errors.NullArgument("file")
    return file.get("Id")


def _image_file(f: dict) -> dict:
    frame = {"Id": f["Id"], "StampNo": f.get("StampNo") or 0, "Status": 0}
    return records.shaped({"Id": f["Id"], "Type": f["Type"], "StampNo": f.get("StampNo") or 0,
                           "FrameInfo": [frame] if f.get("Saved") else None},
                          _model("ImageFile"))


def Create(ctx, type):  # noqa: A002 - the WSDL's name
    book = ctx.book()
    return _image_file(ctx.ledger.create_file(book, type))


def AppendChunk(ctx, file, buffer, offset):
    book = ctx.book()
    ctx.ledger.append_chunk(book, _file_id(file), buffer or b"", offset)


def AppendChunkByLength(ctx, file, buffer, bufferLength, offset):
    book = ctx.book()
    data = buffer or b""
    if bufferLength is None or bufferLength < 0 or bufferLength > len(data):
        raise errors.ChunkLengthInvalid(bufferLength, len(data))
    ctx.ledger.append_chunk(book, _file_id(file), data[:bufferLength], offset)


def DownloadChunk(ctx, file, offset, bufferSize):
    book = ctx.book()
    return ctx.ledger.file_bytes(book, _file_id(file), offset, bufferSize)


def GetFileInfo(ctx, parameters):
    book = ctx.book()
    p = records.given(parameters, _model("FileSearchParameters")) if parameters else {}
    raw = parameters or {}
    found = ctx.ledger.files(
        book, stamp_nos=set(p.get("StampNo") or ()), file_ids=set(p.get("FileId") or ()),
        registered_after=p.get("AttachmentRegisteredAfter"),
        changed_after=p.get("AttachmentChangedAfter"), has_stamp_no=raw.get("HasStampNo"),
        approved=raw.get("FileApproved"), statuses=set(p.get("AttachmentStatus") or ()))
    return [_image_file(f) for f in found]


def GetSize(ctx, file):
    book = ctx.book()
    return ctx.ledger.file_info(book, _file_id(file))["Size"]


def Save(ctx, file, location):
    book = ctx.book()
    fid = _file_id(file)
    stamp = file.get("StampNo") or 0
    for frame in file.get("FrameInfo") or ():
        if not stamp and isinstance(frame, dict) and frame.get("StampNo"):
            stamp = frame["StampNo"]
    ctx.ledger.save_file(book, fid, stamp, location)


def GetChecksum(ctx, file):
    book = ctx.book()
    return checksum_of(ctx.ledger.file_bytes(book, _file_id(file)))


def GetMaxRequestLength(ctx):
    ctx.book()
    return ctx.ledger.max_body // 1024


def GetApproverList(ctx):
    book = ctx.book()
    return [{"Key": str(u["ContactId"]), "Value": u.get("Name")} for u in ctx.ledger.users(book)]


def GetStampNo(ctx):
    book = ctx.book()
    return ctx.ledger.next_stamp_no(book)


def GetSeriesStampNo(ctx, SeriesId):
    book = ctx.book()
    return ctx.ledger.next_series_stamp_no(book, SeriesId)


def GetSeries(ctx):
    book = ctx.book()
    return ctx.ledger.stamp_series(book)


SERVICE = WsdlService("AttachmentService", fixtures_dir() / "vendor" / "AttachmentService.wsdl", {
    "Create": Create, "AppendChunk": AppendChunk, "AppendChunkByLength": AppendChunkByLength,
    "DownloadChunk": DownloadChunk, "GetFileInfo": GetFileInfo, "GetSize": GetSize,
    "Save": Save, "GetChecksum": GetChecksum, "GetMaxRequestLength": GetMaxRequestLength,
    "GetApproverList": GetApproverList, "GetStampNo": GetStampNo,
    "GetSeriesStampNo": GetSeriesStampNo, "GetSeries": GetSeries,
})
