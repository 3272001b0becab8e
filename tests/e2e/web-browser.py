#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# A real browser (headless Chromium through chromedriver) walks the web
# page: login, create a token, revoke it, open the page of the project the
# user administers (PROJ), log out, with screenshots of each
# page at desktop and phone width. Prints the token it created on stdout
# (for the calling test to check in the store), one "step: ..." line per
# step on stderr; exits non-zero at the first step that fails.
#
#   web-browser.py BASE_URL USER PASSWORD SCREENSHOT_DIR PROFILE_DIR
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

SIZES = {"desktop": (1280, 900), "phone": (390, 844)}


def browser(profile):
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for a in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--no-first-run",
              "--user-data-dir=" + profile):
        o.add_argument(a)
    # The test's certificate is self-signed; the page is still https.
    o.accept_insecure_certs = True
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)


def shoot(d, outdir, name):
    for label, (w, h) in SIZES.items():
        d.set_window_size(w, h)
        # The whole page, not just the first screen.
        height = d.execute_script("return document.documentElement.scrollHeight")
        d.set_window_size(w, max(h, min(height + 120, 4000)))
        d.save_screenshot("%s/%s-%s.png" % (outdir, name, label))
    d.set_window_size(*SIZES["desktop"])


def submit(d, button, expect):
    """Clicks a form's button and waits for the next page to hold expect."""
    button.click()
    WebDriverWait(d, 60).until(lambda drv: expect in drv.page_source)


def step(msg):
    print("step: " + msg, file=sys.stderr)


def main():
    base, user, password, outdir, profile = sys.argv[1:6]
    page = base + "/tokens"
    d = browser(profile)
    try:
        d.get(page)
        shoot(d, outdir, "1-login")
        step("login page: " + d.title)
        d.find_element(By.ID, "user").send_keys(user)
        d.find_element(By.ID, "password").send_keys(password)
        submit(d, d.find_element(By.CSS_SELECTOR, "form button[type=submit]"),
               "<h1>My tokens</h1>")
        shoot(d, outdir, "2-tokens")
        step("logged in")
        d.find_element(By.ID, "name").send_keys("browser laptop")
        Select(d.find_element(By.ID, "perm")).select_by_value("write")
        d.find_element(By.ID, "expires").send_keys("30")
        submit(d, d.find_element(By.XPATH, "//button[text()='Create']"), 'id="token"')
        token = d.find_element(By.ID, "token").get_attribute("value").strip()
        assert token.startswith("htk_"), d.page_source[:800]
        assert d.find_element(By.ID, "token").get_attribute("readonly") is not None
        shoot(d, outdir, "3-created")
        step("created " + token[4:20])
        submit(d, d.find_element(By.CSS_SELECTOR, "button[aria-label='Revoke browser laptop']"),
               "is revoked")
        assert token not in d.page_source
        shoot(d, outdir, "4-revoked")
        step("revoked")
        # The user administers project PROJ: its page, from My tokens.
        d.find_element(By.LINK_TEXT, "Project PROJ").click()
        WebDriverWait(d, 60).until(lambda drv: "<h1>Project PROJ</h1>" in drv.page_source)
        shoot(d, outdir, "5-project")
        step("project page")
        submit(d, d.find_element(By.XPATH, "//button[text()='Log out']"), "You are logged out")
        shoot(d, outdir, "6-logged-out")
        step("logged out")
        print(token)
    finally:
        d.quit()


if __name__ == "__main__":
    main()
