"""The GUI thread's collector: a full collection freezes what survives (the next full one
looks only at what is new), which is safe because the big objects (tables, datasets,
trainers) are freed by reference counting, never by the cycle collector."""

from __future__ import annotations

import gc
import weakref

from nnlin_gui.ui.gui_gc import GuiThreadCollector


def test_a_full_collection_freezes_its_survivors(qapp):
    collector = GuiThreadCollector(interval_ms=3_600_000)  # its timer stays out of the way
    collector.timer.stop()
    collector.threshold = (0, 0, -1)  # a full collection is due
    survivor = [object() for _ in range(1000)]
    before = gc.get_freeze_count()
    collector.check()
    assert gc.get_freeze_count() >= before + 1000
    del survivor


def test_data_objects_are_freed_without_the_cycle_collector(tmp_path):
    from nnlin_gui.core.data.tables import load_table
    from nnlin_gui.core.networks.network import LayerSpec
    from nnlin_gui.core.networks.training import Trainer, TrainingConfig
    from nnlin_gui.core.statistics.fitting import build_spec

    path = tmp_path / "d.csv"
    path.write_text(
        "a,b,t,y\n" + "".join(f"{i},{i % 7},{'xyz'[i % 3]},{i * 0.5}\n" for i in range(60))
    )
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        table = load_table(str(path))
        ds = table.to_dataset("y")
        trainer = Trainer(
            build_spec(ds, [LayerSpec("dense", 3)]), ds.X, ds.y, TrainingConfig(epochs=2)
        )
        trainer.run()
        copy = trainer.copy()
        refs = [weakref.ref(o) for o in (table, table.frame, ds, trainer, trainer.network, copy)]
        del table, ds, trainer, copy
        assert [r() is None for r in refs] == [True] * len(refs)
    finally:
        if was_enabled:
            gc.enable()
