import QtQuick
import QtQuick.Layouts
import Goflow.Studio

// The run view: the run's totals as counters above the limiter and queue charts.
ColumnLayout {
    id: root

    required property StudioController controller
    required property ChartFeeder feeder

    function refresh() {
        tokenChart.refresh();
        queueChart.refresh();
    }

    function formatCount(value) {
        return Number(value).toLocaleString(Qt.locale(), "f", 0);
    }

    spacing: Theme.spacing

    RowLayout {
        spacing: Theme.smallSpacing
        Layout.fillWidth: true

        CounterTile {
            label: qsTr("Offered")
            value: root.formatCount(root.controller.offered)
            Layout.fillWidth: true
        }
        CounterTile {
            objectName: "admittedCounter"
            label: qsTr("Admitted")
            value: root.formatCount(root.controller.admitted)
            valueColor: Theme.admitted
            Layout.fillWidth: true
        }
        CounterTile {
            label: qsTr("Rejected by limiter")
            value: root.formatCount(root.controller.rejectedByLimiter)
            valueColor: Theme.rejected
            Layout.fillWidth: true
        }
        CounterTile {
            label: qsTr("Rejected by full queue")
            value: root.formatCount(root.controller.rejectedByQueue)
            valueColor: Theme.rejected
            Layout.fillWidth: true
        }
        CounterTile {
            label: qsTr("Completed")
            value: root.formatCount(root.controller.completed)
            Layout.fillWidth: true
        }
        CounterTile {
            label: qsTr("Latency p50 / p95 / p99 (ms)")
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

    ChartPanel {
        id: tokenChart
        objectName: "tokenChart"
        feeder: root.feeder
        dataMetric: ChartFeeder.LimiterLevel
        referenceMetric: ChartFeeder.LimiterReferenceLine
        title: root.controller.limiterTitle
        dataName: root.controller.limiterValueName
        referenceName: root.controller.limiterReferenceName
        valueTitle: root.controller.limiterValueName
        dataColor: Theme.tokens
        markers: root.controller.markers
        emptyText: root.controller.hasLimiter ? "" : qsTr("This scenario has no limiter.")
        Layout.fillWidth: true
        Layout.fillHeight: true
    }
    ChartPanel {
        id: queueChart
        objectName: "queueChart"
        feeder: root.feeder
        dataMetric: ChartFeeder.QueueDepth
        referenceMetric: ChartFeeder.QueueCapacityLine
        title: qsTr("Worker pool queue depth")
        dataName: qsTr("queued requests")
        referenceName: qsTr("capacity")
        valueTitle: qsTr("requests")
        dataColor: Theme.queue
        markers: root.controller.markers
        Layout.fillWidth: true
        Layout.fillHeight: true
    }
}
