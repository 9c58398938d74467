<?php
// What every interop script shares: its configuration (the JSON object in argv[1]), a
// SoapClient built as an integrator's PHP code builds one (from a WSDL, `location` pointed at the
// emulator, the session cookie carried over by hand: each SoapClient keeps its own cookies) and
// the login that gives the session.

function config(array $argv): array
{
    return json_decode($argv[1], true, 512, JSON_THROW_ON_ERROR);
}

function client(array $cfg, string $wsdl, string $path, ?string $session = null): SoapClient
{
    $c = new SoapClient($wsdl, [
        'location' => rtrim($cfg['base_url'], '/') . $path,
        'soap_version' => $cfg['soap_version'] === '1.2' ? SOAP_1_2 : SOAP_1_1,
        'trace' => true,
        'exceptions' => true,
        'cache_wsdl' => WSDL_CACHE_NONE,
        'features' => SOAP_SINGLE_ELEMENT_ARRAYS,
        'connection_timeout' => 10,
    ]);
    if ($session !== null) {
        $c->__setCookie('ASP.NET_SessionId', $session);
    }
    return $c;
}

// Login with the configured credentials: [the Authenticate client (its cookies and last
// request/response kept), the session id Login returned].
function login(array $cfg): array
{
    $auth = client($cfg, $cfg['auth_wsdl'], '/authenticate/v001/authenticate.asmx');
    $session = $auth->Login(['credential' => [
        'ApplicationId' => $cfg['application_id'],
        'Username' => $cfg['username'],
        'Password' => $cfg['password'],
    ]])->LoginResult;
    return [$auth, $session];
}
