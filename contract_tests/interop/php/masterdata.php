<?php
// PHP SoapClient (ext-soap) on ClientService and CompanyService (SPEC M1, M2), built from the
// vendor's WSDL files (location pointed at the emulator) or from the emulator's ?WSDL.
//
//   php masterdata.php '{"base_url": ..., "auth_wsdl": ..., "client_wsdl": ..., "company_wsdl": ...,
//                        "soap_version": "1.1" | "1.2", "username": ..., "password": ...,
//                        "application_id": ...}'
//
// Prints one line per step; test_php_masterdata.py compares the lines.

require __DIR__ . '/soap.php';

$cfg = config($argv);
[, $session] = login($cfg);
echo 'Login: ' . (strlen($session) === 24 ? 'ok' : "unexpected '$session'") . "\n";

$clients = client($cfg, $cfg['client_wsdl'], '/Client/V001/ClientService.asmx', $session);
$info = $clients->GetClientInformation()->GetClientInformationResult;
echo "GetClientInformation: {$info->Name} | UserId positive: " . ($info->UserId > 0 ? 'yes' : 'no') . "\n";
$currencies = $clients->GetCurrencyList()->GetCurrencyListResult->Currency;
echo 'GetCurrencyList: ' . implode(',', array_map(fn($c) => "{$c->Symbol}={$c->Id}", $currencies)) . "\n";

$companies = client($cfg, $cfg['company_wsdl'], '/CRM/Company/V001/CompanyService.asmx', $session);
$saved = $companies->SaveCompanies(['companies' => ['Company' => [
    ['Name' => 'PHP Kunde AS', 'OrganizationNumber' => '912345678', 'BankAccountNo' => '15031122222'],
    ['Id' => 4242, 'Name' => 'Finnes ikke AS'],
]]])->SaveCompaniesResult->Company;
foreach ($saved as $c) {
    $error = isset($c->APIException) ? " | {$c->APIException->Type}: {$c->APIException->Message}" : '';
    echo "SaveCompanies: Id={$c->Id} Name={$c->Name}$error\n";
}
$found = $companies->GetCompanies(['searchParams' => ['CompanyName' => 'php kunde']])
    ->GetCompaniesResult->Company ?? [];
foreach ($found as $c) {
    echo "GetCompanies: Id={$c->Id} Name={$c->Name} OrganizationNumber={$c->OrganizationNumber} BankAccountNo={$c->BankAccountNo}\n";
}
$anonymous = client($cfg, $cfg['company_wsdl'], '/CRM/Company/V001/CompanyService.asmx');
try {
    $anonymous->GetCompanies(['searchParams' => ['CompanyId' => 1]]);
    echo "GetCompanies without session: no fault\n";
} catch (SoapFault $f) {
    echo 'GetCompanies without session: fault "' . $f->getMessage() . "\"\n";
}
