"""``pbits factor``: JSON and one-line output, bad input as one-line errors, primes."""
import json

import pytest

from circuits.cli import main


@pytest.mark.parametrize("method", ["product", "multiplier"])
def test_cli_factor_json(capsys, method):
    assert main.main(["factor", "221", "--json", "--replicas", "64", "--method", method]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["found"] and sorted(out["factors"]) == [13, 17] and out["sweeps"] > 0 and out["method"] == method


def test_cli_factor_line(capsys):
    assert main.main(["factor", "64507"]) == 0
    assert capsys.readouterr().out.startswith("64507 = 251 x 257   [product]")


@pytest.mark.parametrize("args, msg", [(["12.5"], "must be an integer"), (["abc"], "must be an integer"),
                                       (["3"], ">= 4"), ([str(2 ** 31 + 1)], "at most 30 bits"),
                                       ([str(2 ** 24 + 1)], "use method='multiplier'"),
                                       ([str(2 ** 31 + 1), "--method", "multiplier"], "at most 30 bits")])
def test_cli_factor_bad_input(capsys, args, msg):
    assert main.main(["factor", *args]) == 2
    err = capsys.readouterr().err
    assert msg in err and "Traceback" not in err


def test_cli_factor_prime(capsys):
    assert main.main(["factor", "97"]) == 1
    assert "prime" in capsys.readouterr().out
