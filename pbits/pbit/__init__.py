"""From a device to a behavioural p-bit: transfer-curve theory and measurement, calibration, device-to-device
populations, the continuous-time telegraph model and the energy per random bit."""
from pbits.pbit import calibrate, energy_per_bit, population, telegraph, theory, transfer  # noqa: F401
