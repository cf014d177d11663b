"""The stochastic Landau-Lifshitz-Gilbert engine: one namespace for call sites (``sllg.heun_step``,
``sllg.simulate``, ``sllg.Waveform``).

:mod:`~pbits.sllg.step` is the physics of one stochastic Heun step, :mod:`~pbits.sllg.waveform` the current
waveforms and initial states, :mod:`~pbits.sllg.timestep` the time-step rules, :mod:`~pbits.sllg.events` the
on-the-fly switching counter and :mod:`~pbits.sllg.integrate` the chunked driver (:func:`simulate`) (docs/physics.md §2).
"""
from pbits.sllg.events import EventStats as EventStats
from pbits.sllg.events import Events as Events
from pbits.sllg.integrate import Result as Result
from pbits.sllg.integrate import simulate as simulate
from pbits.sllg.step import NOISES as NOISES
from pbits.sllg.step import Coeffs as Coeffs
from pbits.sllg.step import coefficients as coefficients
from pbits.sllg.step import heun_step as heun_step
from pbits.sllg.step import noise as noise
from pbits.sllg.step import rhs as rhs
from pbits.sllg.timestep import check_dt as check_dt
from pbits.sllg.timestep import max_field as max_field
from pbits.sllg.timestep import suggest_dt as suggest_dt
from pbits.sllg.waveform import Waveform as Waveform
from pbits.sllg.waveform import constant as constant
from pbits.sllg.waveform import initial as initial
from pbits.sllg.waveform import pulses as pulses
