"""Input validation for the RNG lab: one form per input set, bounds from limits.py.

The same forms validate the lab page, the JSON API and the battery's SSE query string, so a
parameter has one rule and one error message wherever it is used. Rules that depend on the
generator (the seeds it accepts, how many bits its outputs have) are checked by building the
generator, so the engine stays the one place that knows them.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.crypto import salted_hmac
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from labs.forms import LabForm
from labs.rng import limits, rounds
from labs.rng.generators import GENERATORS, Generator, make_generator

GENERATOR_CHOICES = [(name, info.title) for name, info in GENERATORS.items()]
PREDICT_GENERATORS = [("lcg", "LCG"), ("mt19937", "MT19937")]
MAX_OUTPUT_BITS = 32
TOKEN_RE = re.compile(r"[0-9a-fA-F]{32}")
# A pasted number: optional sign, at most 20 digits (2**64 has 20), so int() stays cheap.
NUMBER_RE = re.compile(r"[+-]?\d{1,20}")
NUMBER_SEPARATORS = re.compile(r"[\s,;\[\]]+")

ROUND_SALT = "labs.rng.round"
ROUND_SEED_SALT = "labs.rng.round-seed"
ROUND_MAX_AGE_SECONDS = 3600


def bounded_int(low: int, high: int, help_text, *, initial: int | None = None, **kwargs):
    return forms.IntegerField(
        min_value=low, max_value=high, initial=initial, help_text=help_text, **kwargs
    )


class IntegerListField(forms.Field):
    """Integers in [low, high]: a JSON list of numbers, or text with numbers separated by
    spaces, commas or newlines (a pasted Python list works too)."""

    def __init__(
        self, *, low: int, high: int, max_count: int, allow_text: bool = True, **kwargs
    ) -> None:
        self.low, self.high, self.max_count = low, high, max_count
        self.allow_text = allow_text  # False: a JSON list only (the API)
        attrs = {"rows": 8, "spellcheck": "false", "class": "rng-outputs"}
        kwargs.setdefault("widget", forms.Textarea(attrs=attrs))
        super().__init__(**kwargs)

    def to_python(self, value: object) -> list[int]:
        if value is None or value == "":
            return []
        if isinstance(value, str) and self.allow_text:
            # Checked before splitting: a huge paste must not cost a huge split.
            if len(value) > self.max_count * 24:
                raise ValidationError(
                    _("too long: at most %(count)s numbers") % {"count": self.max_count}
                )
            items: list[object] = [t for t in NUMBER_SEPARATORS.split(value) if t]
        elif isinstance(value, list):
            items = value
        else:
            raise ValidationError(_("must be a list of integers"))
        if len(items) > self.max_count:
            raise ValidationError(
                _("at most %(limit)s numbers, got %(count)s")
                % {"limit": self.max_count, "count": len(items)}
            )
        numbers = []
        for position, item in enumerate(items, start=1):
            if isinstance(item, str) and NUMBER_RE.fullmatch(item):
                number = int(item)
            elif isinstance(item, int) and not isinstance(item, bool):
                number = item
            else:
                raise ValidationError(
                    _("number %(position)s is not an integer") % {"position": position}
                )
            if not self.low <= number <= self.high:
                raise ValidationError(
                    _("number %(position)s (%(value)s) is outside %(low)s–%(high)s")
                    % {"position": position, "value": number, "low": self.low, "high": self.high}
                )
            numbers.append(number)
        return numbers


class RngForm(LabForm):
    """Element ids start with ``id_prefix``: the page shows several forms with a ``seed``."""

    id_prefix = "rng"

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


def seed_field(help_text, **kwargs) -> forms.IntegerField:
    # A text box, not type=number: browsers round numbers above 2**53 and then refuse them.
    widget = forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]*"})
    kwargs.setdefault("label", _("Seed"))
    return forms.IntegerField(help_text=help_text, widget=widget, **kwargs)


class GeneratorForm(RngForm):
    """A generator and its seed; ``clean`` builds the generator to check the seed."""

    generator = forms.ChoiceField(
        label=_("Generator"),
        choices=GENERATOR_CHOICES,
        initial="lcg",
        help_text=_("Which generator draws the numbers."),
    )
    seed = seed_field(
        required=False,
        help_text=_(
            "Empty for the generator's default seed. RANDU needs an odd seed; the CSPRNG "
            "ignores it."
        ),
    )

    def clean(self):
        data = super().clean()
        name = data.get("generator")
        if name and "seed" not in self.errors:
            try:
                self.output_bits = make_generator(name, data.get("seed")).output_bits
            except ValueError as exc:
                # The engine's message starts with "seed must ...": the field name is added
                # again by error_message().
                self.add_error("seed", f"{str(exc).removeprefix('seed ')} (for {name})")
        return data

    def make_generator(self) -> Generator:
        """A fresh generator (call only on a valid form)."""
        return make_generator(self.cleaned_data["generator"], self.cleaned_data.get("seed"))

    @property
    def effective_seed(self) -> int | None:
        """The seed in use: the one given, or the generator's default (None for the CSPRNG)."""
        info = GENERATORS[self.cleaned_data["generator"]]
        if not info.seedable:
            return None
        seed = self.cleaned_data.get("seed")
        return info.default_seed if seed is None else seed


class SampleForm(GeneratorForm):
    """One sample of outputs: the page's pictures and tests, /sample/ and /tests/."""

    n = bounded_int(
        1,
        limits.MAX_SAMPLE_OUTPUTS,
        _("How many outputs to draw."),
        initial=limits.DEFAULT_SAMPLE_OUTPUTS,
        label=_("Outputs (n)"),
    )
    bit = bounded_int(
        0,
        MAX_OUTPUT_BITS - 1,
        _("Which bit of each output the bitmap shows (0 is the lowest)."),
        initial=0,
        label=_("Bit"),
    )

    def clean(self):
        data = super().clean()
        bit, width = data.get("bit"), getattr(self, "output_bits", None)
        if bit is not None and width is not None and bit >= width:
            self.add_error(
                "bit",
                _("%(generator)s outputs have %(width)s bits, so bit must be at most %(top)s")
                % {"generator": data["generator"], "width": width, "top": width - 1},
            )
        return data


class BatteryForm(GeneratorForm):
    """The battery: m sequences of N bits each."""

    id_prefix = "battery"

    sequences = bounded_int(
        limits.MIN_SEQUENCES,
        limits.MAX_SEQUENCES,
        _("How many sequences (m); NIST judges p-value uniformity from 55 on."),
        initial=100,
        label=_("Sequences (m)"),
    )
    bits = bounded_int(
        limits.MIN_BITS_PER_SEQUENCE,
        limits.MAX_BITS_PER_SEQUENCE,
        format_lazy(
            _("Bits in each sequence (N). m × N is at most {limit}."),
            limit=f"{limits.MAX_BATTERY_BITS:,}",
        ),
        initial=10_000,
        label=_("Bits per sequence (N)"),
    )

    def clean(self):
        data = super().clean()
        sequences, bits = data.get("sequences"), data.get("bits")
        both_given = sequences is not None and bits is not None
        if both_given and sequences * bits > limits.MAX_BATTERY_BITS:
            self.add_error(
                "bits",
                _("sequences × bits must be at most %(limit)s, got %(total)s")
                % {"limit": f"{limits.MAX_BATTERY_BITS:,}", "total": f"{sequences * bits:,}"},
            )
        return data


# --------------------------------------------------------------------------------------------
# The prediction game: a round is a signed id; its hidden seed is an HMAC of the id under the
# server's key, so the page never carries anything that gives the hidden generator away.


@dataclass(frozen=True)
class RoundTicket:
    generator: str
    shown: int
    round_id: str

    @property
    def secret(self) -> int:
        digest = salted_hmac(ROUND_SEED_SALT, self.round_id, algorithm="sha256").digest()
        return int.from_bytes(digest, "big")

    def token(self) -> str:
        payload = {"g": self.generator, "n": self.shown, "id": self.round_id}
        return signing.dumps(payload, salt=ROUND_SALT, compress=False)

    @classmethod
    def new(cls, generator: str, shown: int) -> RoundTicket:
        return cls(generator, shown, secrets.token_hex(16))

    @classmethod
    def open(cls, token: str) -> RoundTicket:
        """ValidationError when the token is forged, altered or older than an hour."""
        try:
            payload = signing.loads(token, salt=ROUND_SALT, max_age=ROUND_MAX_AGE_SECONDS)
        except signing.SignatureExpired:
            raise ValidationError(
                _("this round has expired (a round lasts an hour); start a new one")
            ) from None
        except signing.BadSignature:
            raise ValidationError(_("not a round this server started")) from None
        try:
            ticket = cls(str(payload["g"]), int(payload["n"]), str(payload["id"]))
            rounds.check_generator(ticket.generator)
            rounds.check_shown(ticket.shown)
        except (KeyError, TypeError, ValueError):
            raise ValidationError(_("not a round this server started")) from None
        return ticket


class RoundForm(RngForm):
    """Start a round: which generator, how many outputs to show."""

    id_prefix = "round"
    generator = forms.ChoiceField(
        label=_("Generator"),
        choices=GENERATOR_CHOICES,
        initial="lcg",
        help_text=_("The LCG hides a, c and the seed; the others hide only their seed."),
    )
    n = bounded_int(
        limits.GAME_MIN_SHOWN,
        limits.GAME_MT_SHOWN,
        _("Outputs you see: 3–20 for the LCG attacks, or 624 to clone a Mersenne Twister."),
        initial=rounds.DEFAULT_SHOWN,
        label=_("Outputs shown (n)"),
    )

    def clean_n(self):
        shown = self.cleaned_data["n"]
        try:
            return rounds.check_shown(shown)
        except ValueError:
            raise ValidationError(
                _("must be from %(low)s to %(high)s, or %(mt)s")
                % {
                    "low": limits.GAME_MIN_SHOWN,
                    "high": limits.GAME_MAX_SHOWN,
                    "mt": limits.GAME_MT_SHOWN,
                }
            ) from None


class GuessForm(RngForm):
    """Reveal a round, with the learner's guess of the next output (optional)."""

    id_prefix = "guess"
    round = forms.CharField(
        max_length=400, widget=forms.HiddenInput, help_text=_("The round, as the server signed it.")
    )
    guess = bounded_int(
        0,
        limits.UINT32_MAX,
        _("Your guess for the next output (leave empty to just watch the attack)."),
        required=False,
        label=_("Your guess"),
    )

    def clean_round(self) -> RoundTicket:
        return RoundTicket.open(self.cleaned_data["round"])


# --------------------------------------------------------------------------------------------
# Mersenne Twister clone and time-seeded tokens


class MtFillForm(RngForm):
    """Which random.Random(seed) fills the MT panel's text area."""

    id_prefix = "mt-fill"
    seed = seed_field(
        _("random.Random(seed).getrandbits(32) fills the box below."),
        min_value=0,
        max_value=limits.SEED_MAX,
        initial=5489,
    )


class MtCloneForm(RngForm):
    """624 or more consecutive outputs of random.getrandbits(32)."""

    id_prefix = "mt"
    outputs = IntegerListField(
        label=_("Outputs"),
        low=0,
        high=limits.UINT32_MAX,
        max_count=limits.MAX_MT_ATTACK_OUTPUTS,
        help_text=_(
            "At least 624 consecutive 32-bit outputs, separated by spaces, commas or newlines; "
            "outputs after the first 624 are used as a check."
        ),
    )
    seed = seed_field(
        _("Optional: the seed that made them, to compare the predictions with the real outputs."),
        label=_("Seed to check against"),
        min_value=0,
        max_value=limits.SEED_MAX,
        required=False,
    )

    def clean_outputs(self) -> list[int]:
        outputs = self.cleaned_data["outputs"]
        if len(outputs) < limits.GAME_MT_SHOWN:
            raise ValidationError(
                _("need at least %(needed)s numbers, got %(count)s")
                % {"needed": limits.GAME_MT_SHOWN, "count": len(outputs)}
            )
        return outputs


class TimeSeedForm(RngForm):
    """A token made with random.seed(t) for a t in [start, end], and that window."""

    id_prefix = "time"
    token = forms.CharField(
        label=_("Token"),
        max_length=64,
        help_text=_("32 hexadecimal digits: random.getrandbits(128) after random.seed(t)."),
    )
    start = bounded_int(
        0,
        limits.TIME_SEED_MAX,
        _("First candidate second (Unix time) of the window."),
        label=_("Window start"),
    )
    end = bounded_int(
        0,
        limits.TIME_SEED_MAX,
        format_lazy(
            _("Last candidate second; the window holds at most {limit} seconds."),
            limit=f"{limits.MAX_TIME_WINDOW:,}",
        ),
        label=_("Window end"),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip()
        if not TOKEN_RE.fullmatch(token):
            raise ValidationError(_("must be 32 hexadecimal digits"))
        return token.lower()

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start is not None and end is not None:
            if end < start:
                self.add_error("end", _("must not be before start"))
            elif end - start + 1 > limits.MAX_TIME_WINDOW:
                self.add_error(
                    "end",
                    _("the window may hold at most %(limit)s seconds, got %(count)s")
                    % {"limit": f"{limits.MAX_TIME_WINDOW:,}", "count": f"{end - start + 1:,}"},
                )
        return data


class PredictForm(RngForm):
    """The JSON API's attack: LCG outputs (modulus optional) or 624+ MT19937 outputs."""

    generator = forms.ChoiceField(choices=PREDICT_GENERATORS)
    outputs = IntegerListField(
        low=0, high=limits.UINT32_MAX, max_count=limits.MAX_MT_ATTACK_OUTPUTS, allow_text=False
    )
    modulus = bounded_int(
        limits.LCG_MIN_MODULUS,
        limits.LCG_MAX_MODULUS,
        _("The LCG's modulus when known; without it the attack recovers it (6+ outputs)."),
        required=False,
    )

    def clean(self):
        data = super().clean()
        name, outputs = data.get("generator"), data.get("outputs")
        if name is None or outputs is None:
            return data
        if name == "mt19937":
            low, high = limits.GAME_MT_SHOWN, limits.MAX_MT_ATTACK_OUTPUTS
        elif data.get("modulus") is not None:
            low, high = limits.MIN_LCG_ATTACK_OUTPUTS, limits.MAX_ATTACK_OUTPUTS
        else:
            low, high = limits.MIN_GCD_ATTACK_OUTPUTS, limits.MAX_ATTACK_OUTPUTS
        if not low <= len(outputs) <= high:
            self.add_error(
                "outputs",
                _("%(generator)s needs %(low)s–%(high)s outputs here, got %(count)s")
                % {"generator": name, "low": low, "high": high, "count": len(outputs)},
            )
        return data
