"""Factoring with the reversed multiplier (Borders et al., Nature 2019) and the `pbits factor` CLI."""
import json

import pytest

from circuits import cli, factoring


def test_semiprime_list():
    assert factoring.semiprimes(4, 4) == [9, 15]
    assert factoring.semiprimes(4, 4, odd=False) == [9, 10, 14, 15]
    assert {143, 221, 323, 899, 1003} <= set(factoring.semiprimes(8, 10))


def test_every_semiprime_up_to_10_bits_is_factored():
    failed = []
    for N in factoring.semiprimes(2, 10, odd=False):
        res = factoring.factor(0, N, n_replicas=64, max_restarts=200)
        if not res.found or res.factors[0] * res.factors[1] != N or 1 in res.factors:
            failed.append(N)
    assert failed == []


def test_prime_has_no_ground_state():
    res = factoring.factor(0, 13, n_replicas=32, n_sweeps=200, max_restarts=2)
    assert not res.found and res.factors is None and res.restarts == 2


def test_cli_factor_json(capsys):
    assert cli.main(["factor", "221", "--json", "--replicas", "64"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["found"] and sorted(out["factors"]) == [13, 17] and out["sweeps"] > 0


@pytest.mark.parametrize("arg, msg", [("12.5", "must be an integer"), ("abc", "must be an integer"),
                                      ("3", ">= 4"), (str(2 ** 31 + 1), "at most 30 bits")])
def test_cli_factor_bad_input(capsys, arg, msg):
    assert cli.main(["factor", arg]) == 2
    err = capsys.readouterr().err
    assert msg in err and "Traceback" not in err


def test_cli_factor_prime(capsys):
    assert cli.main(["factor", "97"]) == 1
    assert "prime" in capsys.readouterr().out
