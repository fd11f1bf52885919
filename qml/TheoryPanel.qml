import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Goflow.Studio

// Queueing theory's steady-state prediction for the pool next to what the run measured, or the
// reason why the formulas do not apply to this scenario.
Rectangle {
    id: panel

    required property TheoryModel theory

    function percent(value) {
        const shown = value * 100;
        if (shown > 0 && shown < 0.01)
            return qsTr("< 0.01 %");
        return qsTr("%1 %").arg(shown.toFixed(shown < 1 ? 2 : 1));
    }
    function fixed(value, digits) {
        return Number(value).toLocaleString(Qt.locale(), "f", digits);
    }
    function predicted(text) {
        return panel.theory.available ? text : qsTr("—");
    }
    function measured(text) {
        return panel.theory.hasMeasurement ? text : qsTr("—");
    }

    // One quantity: its name (with an explanation as tooltip), predicted and measured values.
    // Fixed rows rather than a Repeater, so a new measurement only updates the texts.
    component TheoryRow: RowLayout {
        id: row

        property string label
        property string tip
        property string predicted
        property string measured

        spacing: Theme.smallSpacing
        Layout.fillWidth: true

        HoverHandler {
            id: hover
        }
        ToolTip.visible: hover.hovered
        ToolTip.delay: 300
        ToolTip.text: row.tip

        Label {
            text: row.label
            font.pixelSize: Theme.smallFontSize
            wrapMode: Text.WordWrap
            // A wrapping label's implicit width is its whole text; starting from a small
            // preferred width lets it take only the room the value columns leave.
            Layout.preferredWidth: Theme.smallSpacing
            Layout.fillWidth: true
        }
        Label {
            text: row.predicted
            font.pixelSize: Theme.smallFontSize
            horizontalAlignment: Text.AlignRight
            Layout.preferredWidth: Theme.sidePaneWidth / 6
        }
        Label {
            text: row.measured
            font.pixelSize: Theme.smallFontSize
            horizontalAlignment: Text.AlignRight
            Layout.preferredWidth: Theme.sidePaneWidth / 6
        }
    }

    color: Theme.panel
    border.color: Theme.border
    radius: Theme.radius
    implicitHeight: content.implicitHeight + 2 * Theme.spacing

    ColumnLayout {
        id: content
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.smallSpacing

        Label {
            text: panel.theory.available ? qsTr("Theory: %1").arg(panel.theory.modelName)
                                         : qsTr("Theory")
            font.bold: true
            font.pixelSize: Theme.fontSize + 1
        }
        Label {
            objectName: "theoryExplanation"
            text: panel.theory.available
                  ? qsTr("Poisson arrivals at %1/s, %2 workers each serving %3/s.")
                    .arg(panel.fixed(panel.theory.arrivalRate, 1)).arg(panel.theory.servers)
                    .arg(panel.fixed(panel.theory.serviceRate, 1))
                  : panel.theory.unavailableReason
            color: Theme.mutedText
            font.pixelSize: Theme.smallFontSize
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        RowLayout {
            spacing: Theme.smallSpacing
            Layout.fillWidth: true

            Item {
                Layout.fillWidth: true
            }
            Label {
                text: qsTr("Predicted")
                color: Theme.mutedText
                font.pixelSize: Theme.smallFontSize
                horizontalAlignment: Text.AlignRight
                Layout.preferredWidth: Theme.sidePaneWidth / 6
            }
            Label {
                text: qsTr("Measured")
                color: Theme.mutedText
                font.pixelSize: Theme.smallFontSize
                horizontalAlignment: Text.AlignRight
                Layout.preferredWidth: Theme.sidePaneWidth / 6
            }
        }
        TheoryRow {
            label: qsTr("Utilisation")
            tip: qsTr("The average share of workers busy serving a request.")
            predicted: panel.predicted(panel.percent(panel.theory.utilisation))
            measured: panel.measured(panel.percent(panel.theory.measuredUtilisation))
        }
        TheoryRow {
            label: qsTr("Mean queue length")
            tip: qsTr("The time-average number of requests waiting for a worker (Lq); the "
                      + "queue chart can draw it as a line.")
            predicted: panel.predicted(panel.fixed(panel.theory.meanQueueLength, 2))
            measured: panel.measured(panel.fixed(panel.theory.measuredMeanQueueLength, 2))
        }
        TheoryRow {
            label: qsTr("Mean wait (ms)")
            tip: qsTr("How long an admitted request waits in the queue on average (Wq); the "
                      + "measured value is Lq divided by the admitted rate (Little's law).")
            predicted: panel.predicted(panel.fixed(panel.theory.meanWaitMs, 1))
            measured: panel.measured(panel.fixed(panel.theory.measuredMeanWaitMs, 1))
        }
        TheoryRow {
            label: qsTr("Probability of waiting")
            tip: qsTr("The chance that an admitted request finds every worker busy and has to "
                      + "queue; the samples do not record it, so it has no measured value.")
            predicted: panel.predicted(panel.percent(panel.theory.waitProbability))
            measured: qsTr("—")
        }
        TheoryRow {
            label: qsTr("Blocking probability")
            tip: qsTr("The chance that a request finds the queue full and is rejected.")
            predicted: panel.predicted(panel.percent(panel.theory.blockingProbability))
            measured: panel.measured(panel.percent(panel.theory.measuredBlockingProbability))
        }
        TheoryRow {
            label: qsTr("Throughput (/s)")
            tip: qsTr("Requests admitted to the pool per second: the arrival rate minus the "
                      + "rejected ones.")
            predicted: panel.predicted(panel.fixed(panel.theory.throughput, 1))
            measured: panel.measured(panel.fixed(panel.theory.measuredThroughput, 1))
        }
    }
}
