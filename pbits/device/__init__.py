"""What a device is: parameter pytrees and presets (magnet, torques, device and stack assemblies); no time
stepping."""
from pbits.device import magnet, stack, torques  # noqa: F401
