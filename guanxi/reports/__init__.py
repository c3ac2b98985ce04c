"""Scenario reports (一键生成报告: 开户 onboarding, 投融资 credit, 变更 change, 拜访 visit):
facts from the named queries and services, scoped and masked to the reader, with
provenance footnotes and a grounded summary, rendered as HTML, PDF or Word
(docs/reports.md)."""

from guanxi.reports.build import SCENARIO_SECTIONS, build_report
from guanxi.reports.service import Rendered, campaign_pack, render_report

__all__ = ["SCENARIO_SECTIONS", "build_report", "render_report", "campaign_pack", "Rendered"]
