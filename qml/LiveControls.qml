import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Goflow.Studio

// The run mode switch and, in live mode, the parameters of the running primitives: each
// limiter's rate and burst, the pool's workers and each stage's concurrency. A change applies at
// once and shows up as a marker line on the charts.
Frame {
    id: root

    required property StudioController controller
    readonly property bool live: controller.runMode === StudioController.Live
    readonly property bool running: controller.state === StudioController.Running

    padding: Theme.smallSpacing
    background: Rectangle {
        color: Theme.panel
        border.color: Theme.border
        radius: Theme.radius
    }

    Flow {
        width: parent.width
        spacing: Theme.spacing

        RowLayout {
            spacing: Theme.smallSpacing

            Label {
                text: qsTr("Mode")
                font.bold: true
            }
            RadioButton {
                objectName: "replayModeButton"
                text: qsTr("Replay")
                checked: !root.live
                ToolTip.visible: hovered
                ToolTip.delay: 500
                ToolTip.text: qsTr("Replay the simulator's model of the scenario in virtual time.")
                onToggled: if (checked) root.controller.runMode = StudioController.Replay
            }
            RadioButton {
                objectName: "liveModeButton"
                text: qsTr("Live")
                checked: root.live
                ToolTip.visible: hovered
                ToolTip.delay: 500
                ToolTip.text: qsTr("Run the scenario on the real limiters and worker pools on real threads.")
                onToggled: if (checked) root.controller.runMode = StudioController.Live
            }
        }

        Label {
            visible: root.live && !root.running
            text: qsTr("Start a live run to change these parameters while it runs.")
            color: Theme.mutedText
            height: workersRow.implicitHeight
            verticalAlignment: Text.AlignVCenter
        }

        RowLayout {
            id: workersRow
            visible: root.live
            enabled: root.running
            spacing: Theme.smallSpacing

            Label {
                text: qsTr("Workers")
            }
            SpinBox {
                objectName: "liveWorkersBox"
                from: 1
                to: 100000
                editable: true
                value: root.controller.liveWorkers
                ToolTip.visible: hovered
                ToolTip.delay: 500
                ToolTip.text: qsTr("Number of threads in the worker pool that serve requests.")
                onValueModified: root.controller.setLiveWorkers(value)
            }
            Label {
                text: qsTr("threads")
                color: Theme.mutedText
            }
        }

        // The repeaters count entries and read each one by index, so a parameter change updates
        // the delegates in place rather than rebuilding them under the user's pointer.
        Repeater {
            model: root.live ? root.controller.liveStages.length : 0

            delegate: RowLayout {
                id: stageRow

                required property int index
                // The fallback covers the moment a shorter list arrives before the repeater shrinks.
                readonly property var entry: root.controller.liveStages[index]
                                                 ?? ({ index: 0, name: "", concurrency: 1 })

                enabled: root.running
                spacing: Theme.smallSpacing

                Label {
                    text: qsTr("Stage %1 concurrency").arg(stageRow.entry.name)
                }
                SpinBox {
                    from: 1
                    to: 100000
                    editable: true
                    value: stageRow.entry.concurrency
                    ToolTip.visible: hovered
                    ToolTip.delay: 500
                    ToolTip.text: qsTr("Number of tasks this pipeline stage runs at once.")
                    onValueModified: root.controller.setStageConcurrency(stageRow.entry.index,
                                                                         value)
                }
                Label {
                    text: qsTr("tasks")
                    color: Theme.mutedText
                }
            }
        }

        Repeater {
            model: root.live ? root.controller.liveLimiters.length : 0

            delegate: RowLayout {
                id: limiterRow

                required property int index
                readonly property var entry: root.controller.liveLimiters[index]
                                                 ?? ({ classIndex: 0, limiterIndex: 0, title: "",
                                                       hasBurst: false, rate: 1, burst: 1 })

                function applyRate() {
                    if (rateSlider.value !== limiterRow.entry.rate)
                        root.controller.setLimiterRate(limiterRow.entry.classIndex,
                                                       limiterRow.entry.limiterIndex,
                                                       rateSlider.value);
                }

                enabled: root.running
                spacing: Theme.smallSpacing

                Label {
                    text: limiterRow.entry.title
                }
                Slider {
                    id: rateSlider
                    // The range is rebuilt around the current rate after each change, so
                    // dragging to the right end again reaches four times further.
                    to: Math.max(10, limiterRow.entry.rate * 4)
                    from: to / 100
                    value: limiterRow.entry.rate
                    Layout.preferredWidth: 160
                    ToolTip.visible: hovered
                    ToolTip.delay: 500
                    ToolTip.text: qsTr("Requests per second the limiter admits, applied when you release the handle.")
                    onPressedChanged: if (!pressed) limiterRow.applyRate()
                    onMoved: if (!pressed) limiterRow.applyRate()
                }
                Label {
                    text: qsTr("%1 /s").arg(rateSlider.value.toFixed(rateSlider.value < 10 ? 1 : 0))
                    font.family: "monospace"
                    Layout.preferredWidth: 70
                }
                Label {
                    visible: limiterRow.entry.hasBurst
                    text: qsTr("burst")
                }
                SpinBox {
                    visible: limiterRow.entry.hasBurst
                    from: 1
                    to: 1000000
                    editable: true
                    value: limiterRow.entry.burst
                    ToolTip.visible: hovered
                    ToolTip.delay: 500
                    ToolTip.text: qsTr("Tokens the bucket holds at most, so requests it admits at once after an idle period.")
                    onValueModified: root.controller.setLimiterBurst(limiterRow.entry.classIndex,
                                                                     limiterRow.entry.limiterIndex,
                                                                     value)
                }
                Label {
                    visible: limiterRow.entry.hasBurst
                    text: qsTr("tokens")
                    color: Theme.mutedText
                }
            }
        }
    }
}
