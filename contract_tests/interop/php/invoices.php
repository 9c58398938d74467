<?php
// PHP SoapClient (ext-soap) on InvoiceService and AttachmentService (SPEC D1-D4, S7), built from
// the vendor's WSDL files (location pointed at the emulator) or from the emulator's ?WSDL:
// an order saved as an offer, then invoiced; GetInvoices; the invoice's PDF written to a file;
// a receipt uploaded in chunks and saved under a stamp number, which SaveBundleList accepts once.
//
//   php invoices.php '{"base_url": ..., "auth_wsdl": ..., "company_wsdl": ..., "invoice_wsdl": ...,
//                      "attachment_wsdl": ..., "account_wsdl": ..., "soap_version": "1.1" | "1.2",
//                      "username": ..., "password": ..., "application_id": ...,
//                      "pdf_path": ..., "receipt_path": ...}'
//
// Prints one line per step; test_php_invoices.py compares the lines.

require __DIR__ . '/soap.php';

$cfg = config($argv);

function order_line(string $op, $o): string
{
    $error = isset($o->APIException) ? " | {$o->APIException->Type}: {$o->APIException->Message}" : '';
    $invoice = isset($o->InvoiceId) ? " InvoiceId={$o->InvoiceId} OCR={$o->OCR}" : '';
    $status = $o->OrderStatus ?? '(Web)';
    return "$op: OrderId={$o->OrderId} OrderStatus=$status OrderTotalIncVat={$o->OrderTotalIncVat}"
        . " OrderTotalVat={$o->OrderTotalVat}$invoice$error";
}

[, $session] = login($cfg);
echo 'Login: ' . (strlen($session) === 24 ? 'ok' : "unexpected '$session'") . "\n";

$companies = client($cfg, $cfg['company_wsdl'], '/CRM/Company/V001/CompanyService.asmx', $session);
$customer = $companies->SaveCompanies(['companies' => ['Company' => [['Name' => 'PHP Handel AS']]]])
    ->SaveCompaniesResult->Company[0]->Id;
echo "SaveCompanies: Id=$customer\n";

$invoices = client($cfg, $cfg['invoice_wsdl'], '/Economy/InvoiceOrder/V001/InvoiceService.asmx', $session);
$offer = $invoices->SaveInvoices(['invoices' => ['InvoiceOrder' => [[
    'CustomerId' => $customer, 'OrderStatus' => 'Offer', 'IncludeVAT' => false,
    'DateOrdered' => '2024-03-15T00:00:00', 'PaymentTime' => 10, 'YourReference' => 'Ærlig Ås',
    'InvoiceRows' => ['InvoiceRow' => [
        ['Name' => 'Kaffe', 'Price' => '89.90', 'Quantity' => '3', 'VatRate' => '15'],
        ['Name' => 'Frakt', 'Price' => '99', 'DiscountRate' => '10', 'VatRate' => '25'],
    ]],
]]]])->SaveInvoicesResult->InvoiceOrder[0];
echo order_line('SaveInvoices offer', $offer) . "\n";
$invoiced = $invoices->SaveInvoices(['invoices' => ['InvoiceOrder' => [[
    'OrderId' => $offer->OrderId, 'OrderStatus' => 'Invoiced', 'IncludeVAT' => false,
    'DateInvoiced' => '2024-03-15T00:00:00',
]]]])->SaveInvoicesResult->InvoiceOrder[0];
echo order_line('SaveInvoices invoiced', $invoiced) . "\n";
$refused = $invoices->SaveInvoices(['invoices' => ['InvoiceOrder' => [[
    'CustomerId' => 4242, 'IncludeVAT' => null,
]]]])->SaveInvoicesResult->InvoiceOrder[0];
echo 'SaveInvoices refused: ' . $refused->APIException->Type . ': ' . $refused->APIException->Message . "\n";
$found = $invoices->GetInvoices(['searchParams' => ['InvoiceIds' => ['int' => [$invoiced->InvoiceId]]]])
    ->GetInvoicesResult->InvoiceOrder ?? [];
foreach ($found as $o) {
    $rows = implode(',', array_map(fn($r) => "{$r->Name}x{$r->Quantity}", $o->InvoiceRows->InvoiceRow));
    echo order_line('GetInvoices', $o) . " DateInvoiced={$o->DateInvoiced} Rows=$rows YourReference={$o->YourReference}\n";
}
$pdf = $invoices->GetInvoiceDocument(['Parameters' => ['InvoiceId' => $invoiced->InvoiceId]])
    ->GetInvoiceDocumentResult;
file_put_contents($cfg['pdf_path'], $pdf);
echo 'GetInvoiceDocument: ' . substr($pdf, 0, 5) . ' md5=' . md5($pdf) . "\n";
try {
    $invoices->GetInvoiceDocument(['Parameters' => ['InvoiceId' => 4242]]);
    echo "GetInvoiceDocument 4242: no fault\n";
} catch (SoapFault $f) {
    echo 'GetInvoiceDocument 4242: fault "' . $f->getMessage() . "\"\n";
}

$attachments = client($cfg, $cfg['attachment_wsdl'], '/Economy/Accounting/Accounting_V001/AttachmentService.asmx', $session);
$stamp = $attachments->GetStampNo()->GetStampNoResult;
echo "GetStampNo: $stamp\n";
$receipt = file_get_contents($cfg['receipt_path']);
$made = $attachments->Create(['type' => 'Png'])->CreateResult;
$file = ['Id' => $made->Id, 'Type' => 'Png', 'StampNo' => 0];
foreach (str_split($receipt, 16) as $i => $chunk) {
    $attachments->AppendChunk(['file' => $file, 'buffer' => $chunk, 'offset' => 16 * $i]);
}
$size = $attachments->GetSize(['file' => $file])->GetSizeResult;
$sum = $attachments->GetChecksum(['file' => $file])->GetChecksumResult;
echo "Uploaded: Id={$made->Id} Size=$size Checksum " . ($sum === md5($receipt) ? 'matches' : "differs: $sum") . "\n";
$attachments->Save(['file' => $file + ['FrameInfo' => ['ImageFrameInfo' => [
    ['Id' => 0, 'StampNo' => $stamp, 'Status' => 0]]]], 'location' => 'Journal']);
$info = $attachments->GetFileInfo(['parameters' => ['StampNo' => ['int' => [$stamp]]]])
    ->GetFileInfoResult->ImageFile ?? [];
foreach ($info as $f) {
    echo "GetFileInfo: Id={$f->Id} Type={$f->Type} StampNo={$f->StampNo}\n";
}
$back = $attachments->DownloadChunk(['file' => $file, 'offset' => 0, 'bufferSize' => 100000])
    ->DownloadChunkResult;
echo 'DownloadChunk: ' . ($back === $receipt ? 'the bytes uploaded' : 'other bytes') . "\n";

$account = client($cfg, $cfg['account_wsdl'], '/Economy/Account/V004/Accountservice.asmx', $session);
foreach ([1, 2] as $no) {
    $r = $account->SaveBundleList(['BundleList' => ['SaveOption' => 0, 'Bundles' => ['Bundle' => [[
        'YearId' => 2024, 'Sort' => 10, 'Name' => 'kvittering', 'Vouchers' => ['Voucher' => [[
            'TransactionNo' => $no, 'Sort' => 10, 'Entries' => ['Entry' => [
                ['AccountNo' => 1920, 'Date' => '2024-01-31T00:00:00', 'Amount' => '20.00', 'StampNo' => $stamp],
                ['AccountNo' => 3000, 'Date' => '2024-01-31T00:00:00', 'Amount' => '-20.00'],
            ]]]]]]]]]])->SaveBundleListResult;
    $description = isset($r->Description) && $r->Description !== '' ? " | {$r->Description}" : '';
    echo "SaveBundleList StampNo=$stamp: {$r->Type}$description\n";
}
