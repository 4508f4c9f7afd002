"""The environment of a stage, as `.chalice/config.json` declares it (global, then stage)."""

from __future__ import annotations

import json
import os
from pathlib import Path

CONFIG = Path(__file__).resolve().parent.parent / ".chalice" / "config.json"


def apply_stage_environment(default_stage: str = "local") -> None:
    """For operators' tools: the settings of $STAGE (default `default_stage`), without
    overriding what the environment already says."""
    for name, value in stage_environment(os.environ.get("STAGE", default_stage)).items():
        os.environ.setdefault(name, value)


def stage_environment(stage: str) -> dict[str, str]:
    config = json.loads(CONFIG.read_text(encoding="utf-8"))
    if stage not in config["stages"]:
        raise KeyError(f"unknown stage {stage!r}; stages: {', '.join(config['stages'])}")
    return {
        **config.get("environment_variables", {}),
        **config["stages"][stage].get("environment_variables", {}),
    }
