"""The page's static parts: Plotly's own styles are served as a file (the CSP forbids injected
<style>), and they still match the Plotly bundle the plotly package ships."""

from __future__ import annotations

import re

from tgexchange.web import page


def test_our_copy_of_plotlys_styles_has_every_rule_the_bundle_would_inject() -> None:
    bundle = page.asset("plotly.min.js").body.decode()
    css = page.asset("plotly.css").body.decode()
    rules = re.search(r'\{"X,X div":.*?\};for\(', bundle, flags=re.S)
    assert rules is not None, "the bundle's style rules moved: regenerate web/static/plotly.css"
    selectors = re.findall(r'(?:^|[{,])"?([XY][^":]*)"?:', rules.group(0))

    missing = [
        selector
        for selector in selectors
        if selector.replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier") not in css
    ]
    assert len(selectors) > 50
    assert missing == []


def test_the_bundles_own_style_injection_is_switched_off_by_marker_ids() -> None:
    markers = page.style_injection_markers()

    assert len(markers) == 1
    assert all(re.fullmatch(r"[0-9a-f]{64}", marker) for marker in markers)


def test_static_urls_carry_the_content_hash() -> None:
    url = page.asset_url("dashboard.js")

    assert url == f"/exchange/dashboard/static/dashboard.js?v={page.asset('dashboard.js').version}"
