"""D4: AttachmentService: a receipt uploaded in chunks, saved under a stamp number, read back,
and that stamp number accepted once in SaveBundleList and refused the second time (S7).
zeep from the vendor WSDL and from ?WSDL."""

from __future__ import annotations

import hashlib
import struct
import zlib

import pytest
import zeep

from mockserver.testing.client import ATTACHMENT_PATH

from helpers import bundle, bundle_list, envelope, sale


def png(width: int = 3, height: int = 2) -> bytes:
    """A real (tiny, grey) PNG file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def upload(client, content: bytes, image_type: str = "Png", chunk: int = 7) -> dict:
    svc = client.attachments
    made = svc.Create(image_type)
    ref = {"Id": made.Id, "Type": made.Type, "StampNo": 0}
    for offset in range(0, len(content), chunk):
        svc.AppendChunk(ref, content[offset:offset + chunk], offset)
    return ref


def test_D4_upload_save_read_back_and_post_once(master_client):
    client = master_client(fiscal_years=[2024])
    svc = client.attachments
    content = png()
    first = svc.GetStampNo()
    assert first == 1
    assert svc.GetStampNo() == 1  # not reserved
    ref = upload(client, content)
    assert ref["Id"] == 1
    assert svc.GetSize(ref) == len(content)
    assert svc.GetChecksum(ref) == hashlib.md5(content).hexdigest()
    assert svc.GetFileInfo({"FileId": {"int": [ref["Id"]]}}) in (None, [])  # a ghost file
    svc.Save({**ref, "FrameInfo": {"ImageFrameInfo": [{"Id": 0, "StampNo": first, "Status": 0}]}},
             "Journal")
    info, = svc.GetFileInfo({"StampNo": {"int": [first]}})
    assert (info.Id, info.Type, info.StampNo) == (1, "Png", first)
    assert svc.GetStampNo() == 2
    assert svc.DownloadChunk(ref, 0, 10) == content[:10]
    assert svc.DownloadChunk(ref, 10, 10_000) == content[10:]
    assert svc.GetFileInfo({"AttachmentStatus": {"FlagType": ["PostedInJournal"]}}) in (None, [])

    ok = client.account.SaveBundleList(bundle_list([bundle([sale(1, StampNo=first)])]))
    assert ok.Type == "Ok"
    posted, = svc.GetFileInfo({"AttachmentStatus": {"FlagType": ["PostedInJournal"]}})
    assert posted.Id == 1
    again = client.account.SaveBundleList(bundle_list([bundle([sale(2, StampNo=first)])]))
    assert again.Type == "Exception"
    assert again.Description.startswith("Attachment is posted in the journal")
    assert [ln["stamp_no"] for ln in client.ledger()] == [first, 0, 0]  # one voucher
    assert svc.GetStampNo() == 2


def test_D4_append_by_length_overwrite_and_series(master_client):
    client = master_client()
    svc = client.attachments
    made = svc.Create("Pdf")
    ref = {"Id": made.Id, "Type": "Pdf", "StampNo": 0}
    svc.AppendChunkByLength(ref, b"%PDF-1.4 hello world", 9, 0)
    assert svc.DownloadChunk(ref, 0, 100) == b"%PDF-1.4 "
    svc.AppendChunk(ref, b"HELLO", 9)
    svc.AppendChunk(ref, b"h", 9)  # a chunk sent again overwrites
    assert svc.DownloadChunk(ref, 0, 100) == b"%PDF-1.4 hELLO"
    series, = svc.GetSeries()
    assert (series.Start, series.End) == (1, 999999)
    assert svc.GetSeriesStampNo(series.Id) == 1
    svc.Save(ref, "Retrieval")  # no stamp number given: the next free one
    info, = svc.GetFileInfo({"FileId": {"int": [ref["Id"]]}})
    assert info.StampNo == 1
    assert svc.GetSeriesStampNo(series.Id) == 2
    assert svc.GetFileInfo({"HasStampNo": False}) in (None, [])
    assert svc.GetMaxRequestLength() == 2048
    approvers = svc.GetApproverList()
    assert [a.Key for a in approvers] == [str(client.client_id)]


@pytest.mark.parametrize("call,text", [
    (lambda s, ref: s.AppendChunk(ref, b"x", 5),
     "Offset 5 is outside the file (0 bytes uploaded); append at the end of what was uploaded."),
    (lambda s, ref: s.AppendChunkByLength(ref, b"ab", 3, 0),
     "bufferLength 3 is outside the buffer of 2 bytes."),
    (lambda s, ref: s.Save(ref, "Journal"),
     "File with Id 1 is empty; upload it with AppendChunk before Save."),
    (lambda s, ref: s.GetSize({"Id": 99, "Type": "Png", "StampNo": 0}),
     "File with Id 99 was not found."),
    (lambda s, ref: s.Create("Unknown"),
     "ImageType Unknown is not accepted; use one of Wmf, Png, Tiff, Pdf, Bmp, Gif, Jpeg."),
    (lambda s, ref: s.GetSeriesStampNo("00000000-0000-0000-0000-000000000001"),
     "Stamp number series 00000000-0000-0000-0000-000000000001 was not found."),
])
def test_D4_refusals_are_server_faults_and_change_nothing(master_client, call, text):
    client = master_client()
    svc = client.attachments
    made = svc.Create("Png")
    ref = {"Id": made.Id, "Type": "Png", "StampNo": 0}
    with pytest.raises(zeep.exceptions.Fault) as err:
        call(svc, ref)
    assert err.value.message == "Server was unable to process request. ---> " + text
    assert err.value.code.endswith("Server")
    assert svc.GetSize(ref) == 0


def test_D4_a_file_not_of_its_type_is_refused_and_a_saved_file_is_final(master_client):
    client = master_client()
    svc = client.attachments
    ref = upload(client, b"GIF89a not a png", "Png")
    with pytest.raises(zeep.exceptions.Fault) as err:
        svc.Save(ref, "Journal")
    assert err.value.message.endswith("File with Id 1 is not a valid Png file.")
    good = upload(client, png())
    svc.Save(good, "Journal")
    with pytest.raises(zeep.exceptions.Fault) as err:
        svc.AppendChunk(good, b"x", 0)
    assert err.value.message.endswith("File with Id 2 is saved and can no longer be changed.")
    assert [f.Id for f in svc.GetFileInfo({})] == [2]


def test_D4_files_are_isolated_per_client(master_client):
    one, two = master_client(), master_client()
    ref = upload(one, png())
    one.attachments.Save(ref, "Journal")
    assert two.attachments.GetFileInfo({}) in (None, [])
    with pytest.raises(zeep.exceptions.Fault):
        two.attachments.GetSize(ref)


def test_D4_a_chunk_that_is_not_base64_is_w9s_client_fault(master_client):
    client = master_client()
    made = client.attachments.Create("Png")
    body = envelope(
        '<AppendChunk xmlns="http://24sevenoffice.com/webservices/economy/accounting/">'
        f'<file><Id>{made.Id}</Id><Type>Png</Type><StampNo>0</StampNo></file>'
        '<buffer>not*base64</buffer><offset>0</offset></AppendChunk>')
    resp = client.http.post(client.base_url + ATTACHMENT_PATH, data=body.encode(), timeout=30,
                            headers={"Content-Type": "text/xml; charset=utf-8",
                                     "SOAPAction": '"http://24sevenoffice.com/webservices/'
                                                   'economy/accounting/AppendChunk"'})
    assert resp.status_code == 500
    assert ("The input is not a valid Base-64 string as it contains a non-base 64 character, "
            "more than two padding characters, or an illegal character among the padding "
            "characters.") in resp.text
    assert "<faultcode>soap:Client</faultcode>" in resp.text
    assert client.attachments.GetSize({"Id": made.Id, "Type": "Png", "StampNo": 0}) == 0
