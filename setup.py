"""What pyproject.toml cannot say: the repo's ``fixtures/`` (default chart of accounts, tax codes,
types, scenarios) ships inside the package as ``mockserver/fixtures``, so ``pip install .`` and
the Docker image work outside a source checkout. Everything else is in pyproject.toml."""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["mockserver", "mockserver.*"])
    + ["mockserver.fixtures", "mockserver.fixtures.defaults", "mockserver.fixtures.scenarios",
       "mockserver.fixtures.vendor"],
    package_dir={"mockserver.fixtures": "fixtures"},
)
