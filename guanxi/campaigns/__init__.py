"""Campaigns (营销过程跟踪; docs/campaigns.md): from a graph insight to tracked outreach.

A service package: :mod:`~guanxi.campaigns.create` makes a campaign from a target source
(:mod:`~guanxi.campaigns.sources`) with a control arm and assigned tasks
(:mod:`~guanxi.campaigns.arms`, :mod:`~guanxi.campaigns.approach`);
:mod:`~guanxi.campaigns.views` reads it; :mod:`~guanxi.campaigns.steer` reassigns tasks,
links conversions and closes it; :mod:`~guanxi.campaigns.touches` logs and imports
touches; :mod:`~guanxi.campaigns.reminders` tells RMs and branches what needs doing;
:mod:`~guanxi.campaigns.simulate` plays campaigns out on synthetic data with known true
effects. Every function takes the caller's :class:`~guanxi.access.campaigns.TaskScope`.
"""

__all__: list[str] = []
