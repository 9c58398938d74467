<?php
// PHP SoapClient (ext-soap) on the relations between contacts and companies (SPEC M2, M3): saved
// by one service, read by the other, each in its own shape; PersonService's Authentication
// header. Built from the vendor's WSDL files (location pointed at the emulator) or from the
// emulator's ?WSDL.
//
//   php relations.php '{"base_url": ..., "auth_wsdl": ..., "company_wsdl": ..., "person_wsdl": ...,
//                       "soap_version": "1.1" | "1.2", "username": ..., "password": ...,
//                       "application_id": ..., "client_id": ...}'
//
// Prints one line per step; test_php_relations.py compares the lines.

require __DIR__ . '/soap.php';

$cfg = config($argv);
[, $session] = login($cfg);
$companies = client($cfg, $cfg['company_wsdl'], '/CRM/Company/V001/CompanyService.asmx', $session);
$persons = client($cfg, $cfg['person_wsdl'], '/CRM/Contact/PersonService.asmx', $session);

function fault(callable $call): string
{
    try {
        $call();
        return 'no fault';
    } catch (SoapFault $f) {
        return 'fault "' . $f->getMessage() . '"';
    }
}

function relationData($r): string
{
    return "ContactId={$r->ContactId} CustomerId={$r->CustomerId} Email=" . ($r->Email ?? '-')
        . ' Mobile=' . ($r->Mobile ?? '-') . ' Phone=' . ($r->Phone ?? '-') . ' Title=' . ($r->Title ?? '-');
}

function relation($r): string
{
    return "ContactId={$r->ContactId} CompanyId={$r->CompanyId} Name={$r->FirstName} {$r->LastName}"
        . ' Role=' . ($r->Role ?? '-') . ' RoleId=' . ($r->RoleId ?? '-')
        . ' Work=' . ($r->PhoneNumbers->Work->Value ?? '-') . ' Mobile=' . ($r->PhoneNumbers->Mobile->Value ?? '-')
        . ' Email=' . ($r->EmailAddresses->Work->Value ?? '-');
}

$kari = $persons->SavePerson(['personItem' => ['FirstName' => 'Kari', 'LastName' => 'Nordmann']])->SavePersonResult;
$ola = $persons->SavePerson(['personItem' => ['FirstName' => 'Ola', 'LastName' => 'Hansen']])->SavePersonResult;
echo "SavePerson: $kari $ola\n";

$saved = $companies->SaveRelations(['relations' => ['Relation' => [[
    'ContactId' => $kari, 'CompanyId' => 123, 'Role' => 'Daglig leder', 'RoleId' => 4,
    'PhoneNumbers' => ['Work' => ['Value' => '22 00 00 02'], 'Mobile' => ['Value' => '900 00 001']],
    'EmailAddresses' => ['Work' => ['Value' => 'kari@kunde.no']],
]]]])->SaveRelationsResult->Relation;
foreach ($saved as $r) {
    echo 'SaveRelations: ' . relation($r) . "\n";
}
foreach ($persons->GetRelations(['personId' => $kari])->GetRelationsResult->RelationData ?? [] as $r) {
    echo 'GetRelations: ' . relationData($r) . "\n";
}

$made = $persons->MakeRelation(['relation' => ['ContactId' => $ola, 'CustomerId' => 123, 'Title' => 'Selger',
    'Email' => 'ola@kunde.no']])->MakeRelationResult;
echo 'MakeRelation: ' . var_export($made, true) . "\n";
$unknown = $persons->MakeRelation(['relation' => ['ContactId' => 99, 'CustomerId' => 123]])->MakeRelationResult;
echo 'MakeRelation unknown person: ' . var_export($unknown, true) . "\n";
$found = $companies->GetCompanies(['searchParams' => ['CompanyId' => 123],
    'returnProperties' => ['string' => ['Relations']]])->GetCompaniesResult->Company;
foreach ($found[0]->Relations->Relation ?? [] as $r) {
    echo 'GetCompanies: ' . relation($r) . "\n";
}
$detailed = $persons->GetPersonsDetailed(['personSearch' => ['Id' => $ola]])->GetPersonsDetailedResult->PersonItem;
foreach ($detailed[0]->RelationData->RelationData ?? [] as $r) {
    echo 'GetPersonsDetailed: ' . relationData($r) . "\n";
}

echo 'SaveRelations unknown person: ' . fault(fn() => $companies->SaveRelations(['relations' => ['Relation' => [
    ['ContactId' => 99, 'CompanyId' => 123]]]])) . "\n";
$persons->DeleteRelation(['personId' => $kari, 'companyId' => 123]);
echo 'DeleteRelation again: ' . fault(fn() => $persons->DeleteRelation(['personId' => $kari, 'companyId' => 123])) . "\n";
$left = $companies->GetCompanies(['searchParams' => ['CompanyId' => 123],
    'returnProperties' => ['string' => ['Relations']]])->GetCompaniesResult->Company;
echo 'GetCompanies after DeleteRelation: ' . implode(',', array_map(fn($r) => $r->ContactId,
    $left[0]->Relations->Relation ?? [])) . "\n";

$ns = 'http://24sevenOffice.com/webservices';
$persons->__setSoapHeaders(new SoapHeader($ns, 'Authentication', ['Username' => $cfg['username'],
    'ConsumerId' => $cfg['client_id']]));
$got = $persons->GetPersons(['personSearch' => ['Id' => $kari]])->GetPersonsResult->PersonItem;
echo "GetPersons with its own Authentication header: {$got[0]->FirstName}\n";
$persons->__setSoapHeaders(new SoapHeader($ns, 'Authentication', ['Username' => $cfg['username'],
    'ConsumerId' => $cfg['client_id'] + 1]));
echo 'GetPersons with another ConsumerId: ' . fault(fn() => $persons->GetPersons(['personSearch' => ['Id' => $kari]])) . "\n";
