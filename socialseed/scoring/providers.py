"""Language-model providers over plain httpx (no vendor SDKs).

``OpenAICompatible`` speaks ``POST {base_url}/chat/completions`` (OpenAI, DeepSeek, Groq) with a
JSON response format; ``AnthropicMessages`` speaks ``POST {base_url}/v1/messages`` with the
``x-api-key`` and ``anthropic-version: 2023-06-01`` headers. Both turn one prompt into one
``Completion`` (the text, the answer's usage fields, and a ``problem`` when the model refused or
stopped early). Transport failures and HTTP errors are mapped here, once, to ``ProviderError``;
no message ever holds the API key (it is registered with ``socialseed.redact`` and scrubbed).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

import httpx

from socialseed.clock import Clock
from socialseed.errors import ProviderError
from socialseed.redact import scrub
from socialseed.scoring import backoff
from socialseed.scoring.prices import Pricing

DEFAULT_BASE_URLS = {
    "openai": "https://api.openai.com/v1",
    "deepseek": "https://api.deepseek.com",
    "groq": "https://api.groq.com/openai/v1",
    "anthropic": "https://api.anthropic.com",
}
ANTHROPIC_VERSION = "2023-06-01"
REASONING_HEADROOM = 4096  # default thinking allowance of a reasoning model, in tokens
ANTHROPIC_MIN_THINKING = 1024  # Anthropic's smallest extended-thinking budget
USER_AGENT = "socialseed/0.1 (scoring)"


@dataclass(frozen=True)
class ProviderSpec:
    """A configured provider with its key resolved (the key never shows in ``repr``)."""

    name: str
    kind: str
    model: str
    api_key: str = field(repr=False)
    key_ref: str = ""  # the env/NAME reference, for messages
    base_url: str | None = None
    timeout: float = 30.0
    concurrency: int = 2
    pricing: Pricing | None = None  # None: unknown price
    temperature: float | None = None
    reasoning_tokens: int = 0  # headroom for a reasoning model's thinking (0: not reasoning)
    max_wait: float = 30.0  # seconds a request may wait out 429/5xx answers

    @property
    def url_base(self) -> str:
        return (self.base_url or DEFAULT_BASE_URLS[self.kind]).rstrip("/")

    def cost(self, tokens_in: int, tokens_out: int) -> float | None:
        """Dollars for a request (output tokens include reasoning); ``None``: unknown price."""
        return self.pricing.cost(tokens_in, tokens_out) if self.pricing else None

    @property
    def priced(self) -> bool:
        """Whether a request costs money as far as we know (an unknown price counts)."""
        if self.pricing is None or not self.pricing.known:
            return True
        return (self.pricing.cost(1000, 1000) or 0.0) > 0


@dataclass(frozen=True)
class Prompt:
    system: str
    user: str
    max_tokens: int


@dataclass(frozen=True)
class Completion:
    """What a provider answered: text, usage, and why it cannot be used (``problem``), if so."""

    text: str
    tokens_in: int
    tokens_out: int
    model: str
    problem: str | None = None
    refused: bool = False
    tokens_reasoning: int = 0  # part of tokens_out, when the provider reports it


class ChatProvider(ABC):
    """One provider: builds the request, sends it, reads the answer."""

    def __init__(self, spec: ProviderSpec, clock: Clock) -> None:
        self.spec = spec
        self.clock = clock  # its sleep waits out 429/5xx answers; its now reads reset instants

    @property
    def label(self) -> str:
        return f"scoring provider {self.spec.name!r} ({self.spec.kind}, {self.spec.model})"

    def allowance(self, prompt: Prompt) -> int:
        """Output tokens a request may use: the answer's, plus a reasoning model's thinking."""
        return prompt.max_tokens + self.spec.reasoning_tokens

    async def complete(self, client: httpx.AsyncClient, prompt: Prompt) -> Completion:
        """Send ``prompt``; a ``Completion``, or ``ProviderError`` when no answer came.

        A 429 or 5xx answer is retried after the wait the provider asks for (see ``backoff``),
        at most ``backoff.MAX_RETRIES`` times and ``spec.max_wait`` seconds in all.
        """
        waited = 0.0
        for retry in range(backoff.MAX_RETRIES + 1):
            response = await self._send(client, prompt)
            if response.status_code < 400:
                break
            if not backoff.retryable(response):
                raise self._http_error(response)
            wait = backoff.wait_seconds(response, retry, self.clock.now())
            if retry == backoff.MAX_RETRIES or waited + wait > self.spec.max_wait:
                raise self._http_error(response, self._gave_up(retry, waited, wait))
            await self.clock.sleep(wait)
            waited += wait
        try:
            data = response.json()
        except ValueError:
            return Completion("", 0, 0, self.spec.model, problem="the answer is not JSON")
        if not isinstance(data, dict):
            return Completion("", 0, 0, self.spec.model, problem="the answer is not an object")
        return self.read(data)

    async def _send(self, client: httpx.AsyncClient, prompt: Prompt) -> httpx.Response:
        try:
            request = client.build_request(
                "POST",
                self.url(),
                json=self.body(prompt),
                headers={**self.headers(), "user-agent": USER_AGENT},
                timeout=httpx.Timeout(self.spec.timeout),
            )
            return await client.send(request)
        except httpx.TimeoutException as exc:
            raise ProviderError(
                f"{self.label} timed out after {self.spec.timeout:g} s",
                hint="raise its timeout in the config, or let the fallback order take over",
            ) from exc
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise ProviderError(
                f"{self.label} could not be reached at {self.spec.url_base} ({type(exc).__name__})",
                hint="check the network and base_url",
            ) from exc

    def _gave_up(self, retries: int, waited: float, wait: float) -> str:
        if retries == backoff.MAX_RETRIES:
            return f" (still, after {retries} retries and {waited:g} s of waiting)"
        return (
            f" (after {retries} retries and {waited:g} s of waiting; it asked for {wait:g} s "
            f"more, past max_wait {self.spec.max_wait:g} s)"
        )

    def _http_error(self, response: httpx.Response, waits: str = "") -> ProviderError:
        status = response.status_code
        said = scrub(_error_text(response))
        message = f"{self.label} answered HTTP {status}: {said}{waits}"
        return ProviderError(message, hint=_hint(status, self.spec.key_ref), status=status)

    @abstractmethod
    def url(self) -> str: ...

    @abstractmethod
    def headers(self) -> dict[str, str]: ...

    @abstractmethod
    def body(self, prompt: Prompt) -> dict[str, Any]: ...

    @abstractmethod
    def read(self, data: dict[str, Any]) -> Completion: ...


class OpenAICompatible(ChatProvider):
    """OpenAI's Chat Completions shape, also served by DeepSeek and Groq."""

    def url(self) -> str:
        return f"{self.spec.url_base}/chat/completions"

    def headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.spec.api_key}"}

    def body(self, prompt: Prompt) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.spec.model,
            "messages": [
                {"role": "system", "content": prompt.system},
                {"role": "user", "content": prompt.user},
            ],
            "response_format": {"type": "json_object"},
        }
        # OpenAI's current models take max_completion_tokens; DeepSeek and Groq take max_tokens.
        # Either counts a reasoning model's thinking too, hence the allowance's headroom.
        limit_key = "max_completion_tokens" if self.spec.kind == "openai" else "max_tokens"
        body[limit_key] = self.allowance(prompt)
        if self.spec.temperature is not None:
            body["temperature"] = self.spec.temperature
        return body

    def read(self, data: dict[str, Any]) -> Completion:
        usage = _dict(data.get("usage"))
        tokens_in = _int(usage, "prompt_tokens")
        tokens_out = _int(usage, "completion_tokens")  # reasoning tokens included
        reasoning = _int(_dict(usage.get("completion_tokens_details")), "reasoning_tokens")
        model = str(data.get("model") or self.spec.model)
        choice = _first(data.get("choices"))
        message = _dict(choice.get("message"))
        content = message.get("content")
        text = content if isinstance(content, str) else ""
        problem, refused = _openai_problem(choice, message, text)
        if problem and choice.get("finish_reason") == "length" and reasoning:
            problem += f" ({reasoning} reasoning tokens; raise reasoning_tokens)"
        return Completion(
            text,
            tokens_in,
            tokens_out,
            model,
            problem=problem,
            refused=refused,
            tokens_reasoning=reasoning,
        )


class AnthropicMessages(ChatProvider):
    """Anthropic's Messages API."""

    def url(self) -> str:
        return f"{self.spec.url_base}/v1/messages"

    def headers(self) -> dict[str, str]:
        return {"x-api-key": self.spec.api_key, "anthropic-version": ANTHROPIC_VERSION}

    def body(self, prompt: Prompt) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.spec.model,
            "max_tokens": self.allowance(prompt),
            "system": prompt.system,
            "messages": [{"role": "user", "content": prompt.user}],
        }
        if self.spec.reasoning_tokens:
            # extended thinking: budget_tokens counts within max_tokens; no temperature with it
            body["thinking"] = {"type": "enabled", "budget_tokens": self.spec.reasoning_tokens}
        elif self.spec.temperature is not None:
            body["temperature"] = min(self.spec.temperature, 1.0)
        return body

    def read(self, data: dict[str, Any]) -> Completion:
        usage = _dict(data.get("usage"))
        tokens_in = _int(usage, "input_tokens")
        tokens_out = _int(usage, "output_tokens")
        model = str(data.get("model") or self.spec.model)
        blocks = data.get("content")
        texts = [_dict(b) for b in blocks] if isinstance(blocks, list) else []
        text = "".join(str(b.get("text") or "") for b in texts if b.get("type") == "text")
        stop = data.get("stop_reason")
        problem = None
        if stop == "refusal":
            problem = "the model refused"
        elif stop == "max_tokens":
            problem = "the answer was cut off at max_tokens"
        elif not text.strip():
            problem = "the answer is empty"
        return Completion(
            text, tokens_in, tokens_out, model, problem=problem, refused=stop == "refusal"
        )


def _openai_problem(
    choice: dict[str, Any], message: dict[str, Any], text: str
) -> tuple[str | None, bool]:
    if message.get("refusal"):
        return "the model refused", True
    finish = choice.get("finish_reason")
    if finish == "content_filter":
        return "the provider's content filter stopped the answer", True
    if finish == "length":
        return "the answer was cut off at the token limit", False
    if not text.strip():
        return "the answer is empty", False
    return None, False


def build_provider(spec: ProviderSpec, clock: Clock) -> ChatProvider:
    if spec.kind == "anthropic":
        return AnthropicMessages(spec, clock)
    return OpenAICompatible(spec, clock)


def reasoning_allowance(kind: str, model: str, configured: int | None) -> int:
    """Thinking headroom: the config's, else 4096 for known reasoning models, else none.

    OpenAI's o-series and gpt-5 models and DeepSeek's ``deepseek-reasoner`` always reason;
    Anthropic's extended thinking is opt-in (a configured ``reasoning_tokens``).
    """
    if configured is not None:
        return configured
    name = model.lower().rsplit("/", 1)[-1]
    if kind == "openai" and (name.startswith("gpt-5") or name[:2] in ("o1", "o3", "o4")):
        return REASONING_HEADROOM
    if kind == "deepseek" and "reasoner" in name:
        return REASONING_HEADROOM
    return 0


def _first(value: Any) -> dict[str, Any]:
    return _dict(value[0]) if isinstance(value, list) and value else {}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _int(data: dict[str, Any], key: str) -> int:
    value = data.get(key)
    return int(value) if isinstance(value, int | float) else 0


def _error_text(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        text = " ".join(response.text.split())
        return text[:200] or response.reason_phrase
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        return str(error["message"])[:200]
    if isinstance(error, str):
        return error[:200]
    return response.reason_phrase


def _hint(status: int, key_ref: str) -> str:
    if status in (401, 403):
        return f"check the API key in {key_ref or 'the provider config'} (the key is not shown)"
    if status == 429:
        return "the provider's rate limit or quota is reached; lower concurrency or wait"
    if status >= 500:
        return "the provider is having trouble; the fallback order takes over"
    return "check the provider's model and base_url in the config"
