import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Goflow.Studio

// The run view: the run's totals as counters, a scrollable grid of charts, and the time cursor
// that picks the moment the charts' readouts and marker lines show.
ColumnLayout {
    id: root

    required property StudioController controller
    required property ChartFeeder feeder
    // Draws queueing theory's mean queue length on the pool's queue chart when it applies.
    property TheoryModel theory: null
    // Returns every chart on the page, for refreshing them together.
    function charts() {
        return [tokenChart, queueChart, busyChart, ratesChart, stationLatencyChart, latencyChart,
                writerChart];
    }

    function refresh() {
        for (const chart of charts())
            chart.refresh();
    }

    function refreshReadouts() {
        for (const chart of charts())
            chart.refreshReadout();
    }

    function formatCount(value) {
        return Number(value).toLocaleString(Qt.locale(), "f", 0);
    }

    spacing: Theme.spacing

    // A running replay refreshes on the window's timer; a step, a seek or a finished run
    // refreshes here at once.
    Connections {
        target: root.controller
        function onProgressChanged() {
            if (root.controller.state !== StudioController.Running)
                root.refresh();
        }
        function onCursorChanged() {
            if (root.controller.cursorFollowsRun)
                root.refreshReadouts();
            else
                root.refresh();
        }
    }

    RowLayout {
        spacing: Theme.smallSpacing
        Layout.fillWidth: true

        CounterTile {
            label: qsTr("Requests offered")
            toolTip: qsTr("Requests the clients sent, each counted once. Retries are attempts, "
                          + "not new requests, so the attempt counters beside it can exceed it.")
            value: root.formatCount(root.controller.offered)
            Layout.fillWidth: true
        }
        CounterTile {
            objectName: "admittedCounter"
            label: qsTr("Attempts admitted")
            toolTip: qsTr("Attempts, first tries and retries, that passed the limiters and "
                          + "entered the pool.")
            value: root.formatCount(root.controller.admitted)
            valueColor: Theme.admitted
            Layout.fillWidth: true
        }
        CounterTile {
            label: qsTr("Rejected by limiter")
            toolTip: qsTr("Attempts that a limiter turned away.")
            value: root.formatCount(root.controller.rejectedByLimiter)
            valueColor: Theme.rejected
            Layout.fillWidth: true
        }
        CounterTile {
            label: qsTr("Rejected by full queue")
            toolTip: qsTr("Attempts turned away because the pool's queue was full.")
            value: root.formatCount(root.controller.rejectedByQueue)
            valueColor: Theme.rejected
            Layout.fillWidth: true
        }
        CounterTile {
            label: qsTr("Requests completed")
            toolTip: qsTr("Requests that finished successfully while their client still waited.")
            value: root.formatCount(root.controller.completed)
            Layout.fillWidth: true
        }
        CounterTile {
            label: qsTr("Latency p50 / p95 / p99 (ms)")
            toolTip: qsTr("End-to-end latency of the completed requests, from the first attempt "
                          + "to completion. Requests whose client gave up are left out, so during "
                          + "a retry storm it can look healthy while the queue is full: the "
                          + "time-in-station chart shows the real wait.")
            value: qsTr("%1 / %2 / %3").arg(root.controller.latencyP50.toFixed(0))
                                       .arg(root.controller.latencyP95.toFixed(0))
                                       .arg(root.controller.latencyP99.toFixed(0))
            Layout.fillWidth: true
        }
    }

    LiveControls {
        objectName: "liveControls"
        controller: root.controller
        Layout.fillWidth: true
    }

    ScrollView {
        id: scroll
        objectName: "chartScroll"
        clip: true
        contentWidth: availableWidth
        Layout.fillWidth: true
        Layout.fillHeight: true

        GridLayout {
            width: scroll.availableWidth
            columns: 2
            columnSpacing: Theme.smallSpacing
            rowSpacing: Theme.smallSpacing

            ChartPanel {
                id: writerChart
                objectName: "writerChart"
                markers: root.controller.markers
                feeder: root.feeder
                controller: root.controller
                title: qsTr("Writer buffer")
                valueTitle: qsTr("KiB")
                seriesSpecs: [
                    { metric: ChartFeeder.WriterBufferedKiB, name: qsTr("buffered KiB"),
                      color: Theme.writer, decimals: 1 },
                    { metric: ChartFeeder.WriterBufferLine, name: qsTr("buffer size"),
                      color: Theme.reference, dashed: true },
                    { metric: ChartFeeder.WriterFlushesPerSecond, name: qsTr("flushes/s"),
                      color: Theme.admitted, dotted: true, decimals: 1 },
                    { metric: ChartFeeder.WriterDroppedPerSecond, name: qsTr("dropped/s"),
                      color: Theme.rejected, decimals: 1 }
                ]
                emptyText: root.controller.hasWriter ? "" : qsTr("This scenario has no writer.")
                // First in the grid, since a scenario with a writer is about it, and hidden
                // without one, so that no empty chart takes a place.
                visible: root.controller.hasWriter
                Layout.fillWidth: true
                Layout.preferredHeight: Theme.chartHeight
            }
            ChartPanel {
                id: tokenChart
                objectName: "tokenChart"
                markers: root.controller.markers
                feeder: root.feeder
                controller: root.controller
                title: root.controller.limiterTitle
                valueTitle: root.controller.hasLimiter ? root.controller.limiterValueName
                                                       : qsTr("level")
                seriesSpecs: [
                    { metric: ChartFeeder.LimiterLevel, name: root.controller.limiterValueName,
                      color: Theme.tokens, decimals: 1 },
                    { metric: ChartFeeder.LimiterReferenceLine,
                      name: root.controller.limiterReferenceName, color: Theme.reference,
                      dashed: true }
                ]
                emptyText: root.controller.hasLimiter ? "" : qsTr("This scenario has no limiter.")
                visible: root.controller.hasLimiter
                Layout.fillWidth: true
                Layout.preferredHeight: Theme.chartHeight
            }
            ChartPanel {
                id: queueChart
                objectName: "queueChart"
                markers: root.controller.markers
                feeder: root.feeder
                controller: root.controller
                title: qsTr("Queue depth")
                valueTitle: qsTr("requests")
                stationSelectable: true
                seriesSpecs: [
                    { metric: ChartFeeder.QueueDepth, name: qsTr("queued"), color: Theme.queue },
                    { metric: ChartFeeder.QueueCapacityLine, name: qsTr("capacity"),
                      color: Theme.reference, dashed: true },
                    { theory: root.theory, line: TheoryModel.MeanQueueLength,
                      name: qsTr("theory: mean queue"), color: Theme.theory, dashed: true,
                      decimals: 1 }
                ]
                Layout.fillWidth: true
                Layout.preferredHeight: Theme.chartHeight
            }
            ChartPanel {
                id: busyChart
                objectName: "busyChart"
                markers: root.controller.markers
                feeder: root.feeder
                controller: root.controller
                title: qsTr("Busy and blocked workers")
                valueTitle: qsTr("servers")
                stationSelectable: true
                seriesSpecs: [
                    { metric: ChartFeeder.BusyWorkers, name: qsTr("busy"), color: Theme.busy },
                    { metric: ChartFeeder.BlockedWorkers, name: qsTr("blocked"),
                      color: Theme.blocked },
                    { metric: ChartFeeder.WorkerCountLine, name: qsTr("workers"),
                      color: Theme.reference, dashed: true }
                ]
                Layout.fillWidth: true
                Layout.preferredHeight: Theme.chartHeight
            }
            ChartPanel {
                id: ratesChart
                objectName: "ratesChart"
                markers: root.controller.markers
                feeder: root.feeder
                controller: root.controller
                title: qsTr("Attempts per second")
                valueTitle: qsTr("per second")
                seriesSpecs: [
                    { metric: ChartFeeder.AdmittedPerSecond, name: qsTr("admitted"),
                      color: Theme.admitted },
                    { metric: ChartFeeder.RejectedPerSecond, name: qsTr("rejected"),
                      color: Theme.rejected },
                    { metric: ChartFeeder.DroppedPerSecond, name: qsTr("dropped"),
                      color: Theme.dropped, dotted: true },
                    { metric: ChartFeeder.RetriedPerSecond, name: qsTr("retried"),
                      color: Theme.retried }
                ]
                Layout.fillWidth: true
                Layout.preferredHeight: Theme.chartHeight
            }
            ChartPanel {
                id: stationLatencyChart
                objectName: "stationLatencyChart"
                markers: root.controller.markers
                feeder: root.feeder
                controller: root.controller
                title: qsTr("Time in station")
                valueTitle: qsTr("ms")
                stationSelectable: true
                seriesSpecs: [
                    { metric: ChartFeeder.StationLatencyP50, name: qsTr("p50"),
                      color: Theme.percentile50, decimals: 1 },
                    { metric: ChartFeeder.StationLatencyP95, name: qsTr("p95"),
                      color: Theme.percentile95, decimals: 1 },
                    { metric: ChartFeeder.StationLatencyP99, name: qsTr("p99"),
                      color: Theme.percentile99, decimals: 1 },
                    { metric: ChartFeeder.StationMeanWait, name: qsTr("mean wait in queue"),
                      color: Theme.wait, dotted: true, decimals: 1 },
                    { theory: root.theory, line: TheoryModel.MeanWait,
                      name: qsTr("theory: mean wait"), color: Theme.theory, dashed: true,
                      decimals: 1 }
                ]
                Layout.fillWidth: true
                Layout.preferredHeight: Theme.chartHeight
            }
            ChartPanel {
                id: latencyChart
                objectName: "latencyChart"
                markers: root.controller.markers
                feeder: root.feeder
                controller: root.controller
                title: qsTr("End-to-end latency")
                valueTitle: qsTr("ms")
                seriesSpecs: [
                    { metric: ChartFeeder.LatencyP50, name: qsTr("p50"),
                      color: Theme.percentile50, decimals: 1 },
                    { metric: ChartFeeder.LatencyP95, name: qsTr("p95"),
                      color: Theme.percentile95, decimals: 1 },
                    { metric: ChartFeeder.LatencyP99, name: qsTr("p99"),
                      color: Theme.percentile99, decimals: 1 }
                ]
                Layout.fillWidth: true
                Layout.preferredHeight: Theme.chartHeight
            }
        }
    }

    RowLayout {
        spacing: Theme.smallSpacing
        Layout.fillWidth: true

        Label {
            text: qsTr("Cursor")
        }
        ToolButton {
            text: qsTr("◀")
            // The oldest sample kept has index sampleCount - keptSampleCount.
            enabled: root.controller.cursorIndex
                     > root.controller.sampleCount - root.controller.keptSampleCount
            onClicked: root.controller.stepCursor(-1)
            ToolTip.visible: hovered
            ToolTip.delay: Theme.toolTipDelay
            ToolTip.text: qsTr("Moves the cursor one sample back (Left arrow).")
        }
        Slider {
            id: cursorSlider
            objectName: "cursorSlider"
            from: root.controller.keptFromSeconds
            to: Math.max(root.controller.recordedSeconds, from + 0.001)
            value: root.controller.cursorSeconds
            enabled: root.controller.sampleCount > 0
            onMoved: root.controller.cursorSeconds = value
            Layout.fillWidth: true
            ToolTip.visible: hovered || pressed
            ToolTip.delay: Theme.toolTipDelay
            ToolTip.text: root.controller.keptFromSeconds > 0
                          ? qsTr("Drag to show the charts' values at that moment. A long run keeps "
                                 + "its newest %1 samples, so the cursor starts at %2 s.")
                            .arg(root.controller.keptSampleCount)
                            .arg(root.controller.keptFromSeconds.toFixed(1))
                          : qsTr("Drag to show the charts' values at that moment of the recorded run.")
        }
        ToolButton {
            text: qsTr("▶")
            enabled: root.controller.cursorIndex + 1 < root.controller.sampleCount
            onClicked: root.controller.stepCursor(1)
            ToolTip.visible: hovered
            ToolTip.delay: Theme.toolTipDelay
            ToolTip.text: qsTr("Moves the cursor one sample forward.")
        }
        Label {
            text: qsTr("%1 s").arg(root.controller.cursorSeconds.toFixed(1))
            font.family: "monospace"
            horizontalAlignment: Text.AlignRight
            Layout.preferredWidth: 70
        }
        Button {
            text: qsTr("Follow run")
            enabled: !root.controller.cursorFollowsRun
            onClicked: root.controller.followRun()
            ToolTip.visible: hovered
            ToolTip.delay: Theme.toolTipDelay
            ToolTip.text: qsTr("Moves the cursor to the newest sample and keeps it there as the run goes on.")
        }
    }
}
