<?php
// PHP SoapClient (ext-soap) on TimeService (timesheets): hours and costs on a ProjectService
// project, built from the vendor's WSDL files (location pointed at the emulator) or from the
// emulator's ?WSDL.
//
//   php timesheet.php '{"base_url": ..., "auth_wsdl": ..., "project_wsdl": ..., "time_wsdl": ...,
//                       "soap_version": "1.1" | "1.2", "username": ..., "password": ...,
//                       "application_id": ...}'
//
// Prints one line per step; test_php_timesheet.py compares the lines.

require __DIR__ . '/soap.php';

$cfg = config($argv);
[, $session] = login($cfg);
echo 'Login: ' . (strlen($session) === 24 ? 'ok' : "unexpected '$session'") . "\n";

$projects = client($cfg, $cfg['project_wsdl'], '/Project/V001/ProjectService.asmx', $session);
$pid = $projects->SaveProject(['project' => [
    'Name' => 'PHP Prosjekt', 'NameDisplay' => 'Plain', 'TimeReg' => 'WorkType',
]])->SaveProjectResult;
echo "SaveProject: $pid\n";

$time = client($cfg, $cfg['time_wsdl'], '/timesheet/v001/timeservice.asmx', $session);
$types = $time->GetWorkTypeList(['Wts' => ['Active' => 'False']])->GetWorkTypeListResult->WorkType;
echo 'GetWorkTypeList inactive: ' . implode(',', array_map(fn($w) => "{$w->Id}={$w->Name}", $types)) . "\n";
$list = $time->GetProjectList(['Ps' => ['Search' => 'php']])->GetProjectListResult->Project;
echo 'GetProjectList: ' . implode(',', array_map(fn($p) => "{$p->Id}={$p->Name} {$p->TimeReg}", $list)) . "\n";

$hour = $time->SaveHour(['Hour' => [
    'TypeOfWorkId' => 1, 'StartTime' => '2024-03-04T08:00:00', 'StopTime' => '2024-03-04T10:15:00',
    'ProjectId' => $pid, 'Description' => 'Møte & <plan>', 'Price' => '1250.00',
]])->SaveHourResult;
echo "SaveHour: $hour\n";
try {
    $time->SaveHour(['Hour' => ['StartTime' => '2024-03-04T08:00:00', 'ProjectId' => 4242]]);
    echo "SaveHour unknown project: no fault\n";
} catch (SoapFault $f) {
    echo 'SaveHour unknown project: fault "' . $f->getMessage() . "\"\n";
}
$hours = $time->GetHours(['hs' => ['ContactId' => 0, 'ProjectId' => $pid]])->GetHoursResult->Hour ?? [];
foreach ($hours as $h) {
    echo "GetHours: Id={$h->Id} TotalHours={$h->TotalHours} Price={$h->Price} Description={$h->Description}\n";
}
$time->AddCost(['cost' => [
    'DateRegistered' => '2024-03-04T00:00:00', 'ProductId' => null, 'SupplierCompanyId' => null,
    'Quantity' => 2, 'InPrice' => '450.10', 'Description' => 'Bompenger', 'ProjectId' => $pid,
]]);
$costs = $time->GetCosts(['costSearchParameters' => ['ProjectId' => $pid]])->GetCostsResult->Cost ?? [];
foreach ($costs as $c) {
    echo "GetCosts: Id={$c->Id} Quantity={$c->Quantity} InPrice={$c->InPrice} Description={$c->Description}\n";
}
$deleted = $time->DeleteHour(['Hour' => ['Id' => $hour]])->DeleteHourResult;
echo 'DeleteHour: ' . var_export($deleted, true) . "\n";
$left = $time->GetHours(['hs' => ['ContactId' => 0, 'ProjectId' => 0]])->GetHoursResult->Hour ?? [];
echo 'GetHours after delete: ' . count($left) . "\n";

$anonymous = client($cfg, $cfg['time_wsdl'], '/timesheet/v001/timeservice.asmx');
try {
    $anonymous->GetSalaryTypes();
    echo "GetSalaryTypes without session: no fault\n";
} catch (SoapFault $f) {
    echo 'GetSalaryTypes without session: fault "' . $f->getMessage() . "\"\n";
}
