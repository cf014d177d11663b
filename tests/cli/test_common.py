"""What the sub-commands share: the multi-host variables, read only by the command line."""
import pytest

from circuits.cli import common


def test_distributed_arguments_from_environment():
    env = {"PBITS_COORDINATOR": "host0:1234", "PBITS_NUM_PROCESSES": "2", "PBITS_PROCESS_ID": "1"}
    assert common.distributed_args(env) == {"coordinator_address": "host0:1234", "num_processes": 2,
                                            "process_id": 1}
    assert common.distributed_args({"JAX_NUM_PROCESSES": "4"}) == {"num_processes": 4}
    assert common.distributed_args({}) == {}
    with pytest.raises(ValueError, match="PBITS_PROCESS_ID must be an integer, got 'x'"):
        common.distributed_args({"PBITS_PROCESS_ID": "x"})
    with pytest.raises(ValueError, match=r"process id must be in 0..1, got 2"):
        common.distributed_args({"PBITS_NUM_PROCESSES": "2", "PBITS_PROCESS_ID": "2"})
