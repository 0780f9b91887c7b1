"""The merchant panel in a real browser: headless Chromium, driven by Selenium, against the
app's HTTP functions served on 127.0.0.1 by the host stand-in (``demo.http_host``).

Transactions are submitted through the API over real HTTP; the panel signs in, lists them
pending, and, as the processor decides what the intake published (delivered as the Functions
host's Kafka trigger delivers it), shows each row flip to approved or rejected and the totals
follow. A screenshot of the panel is saved in ``test-output/`` (``GATEWAY_SCREENSHOT_DIR``
overrides it) for people to look at.

Chromium and its driver are Debian's ``chromium`` and ``chromium-driver`` packages
(``.ci/run`` installs them). Without them the test is skipped locally and fails in CI.
"""

from __future__ import annotations

import json
import os
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from demo.http_host import serve
from tests.gateway.harness import Gateway, body, deployed

ROOT = Path(__file__).resolve().parents[3]
SCREENSHOTS = Path(os.environ.get("GATEWAY_SCREENSHOT_DIR", ROOT / "test-output"))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
WAIT_S = 20


@pytest.fixture
def browser() -> Iterator[object]:
    if CHROMIUM is None or DRIVER is None:
        reason = (
            "Chromium or chromedriver is not installed (apt-get install chromium chromium-driver)"
        )
        if os.environ.get("CI"):
            pytest.fail(f"{reason}: CI must run the browser test (.ci/run installs them)")
        pytest.skip(reason)
    from selenium import webdriver  # noqa: PLC0415 - only where a browser exists
    from selenium.webdriver.chrome.service import Service  # noqa: PLC0415

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(argument)
    options.add_argument("--window-size=1280,900")
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def gateway(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Gateway]:
    with deployed(sqlite_url, monkeypatch) as running:
        yield running


_ROWS = """
return [...document.querySelectorAll('#rows tr')].map(
    (row) => ({id: row.dataset.id, status: row.dataset.status, text: row.innerText}));
"""


def post(base: str, token: str, payload: dict[str, object]) -> int:
    request = urllib.request.Request(  # noqa: S310 - the loopback server this test started
        f"{base}/api/transactions",
        data=json.dumps(payload).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as response:  # noqa: S310
        return int(response.status)


def test_the_panel_shows_transactions_flip_from_pending_to_decided(  # noqa: PLR0915 - one story
    browser: object, gateway: Gateway
) -> None:
    from selenium.webdriver.common.by import By  # noqa: PLC0415
    from selenium.webdriver.remote.webdriver import WebDriver  # noqa: PLC0415
    from selenium.webdriver.support.ui import WebDriverWait  # noqa: PLC0415

    assert isinstance(browser, WebDriver)
    driver = browser
    wait = WebDriverWait(driver, WAIT_S)
    account, secret = gateway.tokens["acc-1"].split(".", 1)

    def rows() -> dict[str, tuple[str, str]]:
        """Each row's status and text, read at once: the table may be redrawn between reads."""
        found = driver.execute_script(_ROWS)
        return {str(r["id"]): (str(r["status"]), str(r["text"])) for r in found}

    def statuses() -> dict[str, str]:
        return {id_: status for id_, (status, _) in rows().items()}

    def total(name: str) -> str:
        return str(driver.find_element(By.ID, f"total-{name}").text)

    with serve(gateway.functions) as base:
        token = gateway.tokens["acc-1"]
        assert post(base, token, body("order-1001")) == 202
        assert post(base, token, body("order-1002", credit_card_number="5555555555554444")) == 202
        assert post(base, token, body("order-1003", amount="1250.00")) == 202
        assert post(base, gateway.tokens["acc-2"], body("someone-else")) == 202

        driver.get(f"{base}/api/panel")
        driver.find_element(By.ID, "account-id").send_keys(account)
        driver.find_element(By.ID, "secret").send_keys("A" * 43)
        driver.find_element(By.ID, "sign-in-button").click()
        wait.until(lambda _: driver.find_element(By.ID, "sign-in-error").is_displayed())
        assert "do not match" in driver.find_element(By.ID, "sign-in-error").text

        driver.find_element(By.ID, "secret").clear()
        driver.find_element(By.ID, "secret").send_keys(secret)
        driver.find_element(By.ID, "sign-in-button").click()
        wait.until(lambda _: len(statuses()) == 3)
        assert statuses() == dict.fromkeys(("order-1001", "order-1002", "order-1003"), "pending")
        assert total("pending") == "3"
        assert driver.find_element(By.ID, "account-label").text == "acc-1"

        gateway.process()  # the processor decides what the intake published
        wait.until(lambda _: "pending" not in statuses().values())
        assert statuses() == {
            "order-1001": "approved",
            "order-1002": "approved",
            "order-1003": "rejected",
        }
        wait.until(lambda _: total("approved") == "2")
        assert (total("rejected"), total("pending"), total("all")) == ("1", "0", "3")
        assert "you dont have limit for this transaction" in rows()["order-1003"][1]
        assert "mastercard •••• 4444" in rows()["order-1002"][1].lower()

        # A transaction submitted while the panel is open appears, then flips.
        assert post(base, token, body("order-1004", amount="42.00")) == 202
        wait.until(lambda _: statuses().get("order-1004") == "pending")
        gateway.process()
        wait.until(lambda _: statuses().get("order-1004") == "approved")
        wait.until(lambda _: total("all") == "4")

        page = driver.page_source
        assert "4111111111111111" not in page
        assert "4111 1111 1111 1111" not in page
        assert secret not in page
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shot = SCREENSHOTS / "gateway-panel.png"
        assert driver.save_screenshot(str(shot))
        assert shot.stat().st_size > 10_000

        driver.find_element(By.ID, "sign-out").click()
        wait.until(lambda _: driver.find_element(By.ID, "sign-in").is_displayed())
