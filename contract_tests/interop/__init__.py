"""Interop tests: independent SOAP stacks (PHP SoapClient, node-soap, suds, zeep, raw XML)
against a running ``tfso-mock serve``. See README.md in this folder."""
