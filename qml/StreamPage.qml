import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Goflow.Studio

// The Stream Lab: a source of numbers, a list of goflow stream steps, and what a run did.
RowLayout {
    id: root

    required property StudioController controller
    readonly property StreamLab lab: lab

    function formatCount(value) {
        return Number(value).toLocaleString(Qt.locale(), "f", 0);
    }

    // Shows a preview number with at most three decimals and no trailing zeros.
    function formatValue(value) {
        return String(+Number(value).toFixed(3));
    }

    spacing: Theme.spacing

    StreamLab {
        id: lab
        objectName: "streamLab"
        controller: root.controller
    }

    // ---- Left: the source and the steps ----
    ColumnLayout {
        spacing: Theme.spacing
        Layout.fillHeight: true
        Layout.fillWidth: true
        Layout.preferredWidth: 3

        GroupBox {
            title: qsTr("Source")
            enabled: !lab.running
            Layout.fillWidth: true

            ColumnLayout {
                anchors.fill: parent
                spacing: Theme.smallSpacing

                ComboBox {
                    objectName: "sourceKindBox"
                    model: lab.sourceKindNames
                    currentIndex: lab.sourceKind
                    implicitContentWidthPolicy: ComboBox.WidestText
                    onActivated: (choice) => lab.sourceKind = choice
                    ToolTip.visible: hovered
                    ToolTip.delay: 500
                    ToolTip.text: qsTr("Chooses where the stream's numbers come from.")
                }

                GridLayout {
                    columns: 6
                    columnSpacing: Theme.smallSpacing
                    rowSpacing: Theme.smallSpacing

                    // Range of integers
                    Label {
                        visible: lab.sourceKind === StreamLab.Range
                        text: qsTr("from")
                    }
                    TextField {
                        visible: lab.sourceKind === StreamLab.Range
                        text: lab.rangeStart
                        selectByMouse: true
                        Layout.preferredWidth: 100
                        onTextEdited: lab.rangeStart = text
                        ToolTip.visible: hovered
                        ToolTip.delay: 500
                        ToolTip.text: qsTr("The first integer of the range.")
                    }
                    Label {
                        visible: lab.sourceKind === StreamLab.Range
                        text: qsTr("to (excluded)")
                    }
                    TextField {
                        visible: lab.sourceKind === StreamLab.Range
                        text: lab.rangeEnd
                        selectByMouse: true
                        Layout.preferredWidth: 100
                        onTextEdited: lab.rangeEnd = text
                        ToolTip.visible: hovered
                        ToolTip.delay: 500
                        ToolTip.text: qsTr("The range stops before reaching this integer.")
                    }
                    Label {
                        visible: lab.sourceKind === StreamLab.Range
                        text: qsTr("step")
                    }
                    TextField {
                        visible: lab.sourceKind === StreamLab.Range
                        text: lab.rangeStep
                        selectByMouse: true
                        Layout.preferredWidth: 70
                        onTextEdited: lab.rangeStep = text
                        ToolTip.visible: hovered
                        ToolTip.delay: 500
                        ToolTip.text: qsTr("The distance between neighbours; negative counts down.")
                    }

                    // Random integers and the request logs
                    Label {
                        visible: lab.sourceKind !== StreamLab.Range
                                 && lab.sourceKind !== StreamLab.ScenarioSamples
                        text: qsTr("count")
                    }
                    TextField {
                        objectName: "countField"
                        visible: lab.sourceKind !== StreamLab.Range
                                 && lab.sourceKind !== StreamLab.ScenarioSamples
                        text: lab.count
                        selectByMouse: true
                        Layout.preferredWidth: 100
                        onTextEdited: lab.count = text
                        ToolTip.visible: hovered
                        ToolTip.delay: 500
                        ToolTip.text: qsTr("How many elements the source produces, at most %1.")
                                      .arg(root.formatCount(lab.maxSourceElements))
                    }
                    Label {
                        visible: lab.sourceKind !== StreamLab.Range
                                 && lab.sourceKind !== StreamLab.ScenarioSamples
                        text: qsTr("seed")
                    }
                    TextField {
                        visible: lab.sourceKind !== StreamLab.Range
                                 && lab.sourceKind !== StreamLab.ScenarioSamples
                        text: lab.seed
                        selectByMouse: true
                        Layout.preferredWidth: 100
                        onTextEdited: lab.seed = text
                        ToolTip.visible: hovered
                        ToolTip.delay: 500
                        ToolTip.text: qsTr("The same seed produces the same numbers on every run.")
                    }
                    Item {
                        visible: lab.sourceKind === StreamLab.Latencies
                                 || lab.sourceKind === StreamLab.StatusCodes
                        Layout.columnSpan: 2
                        Layout.fillWidth: true
                    }
                    Label {
                        visible: lab.sourceKind === StreamLab.RandomIntegers
                        text: qsTr("between")
                    }
                    TextField {
                        visible: lab.sourceKind === StreamLab.RandomIntegers
                        text: lab.randomMinimum
                        selectByMouse: true
                        Layout.preferredWidth: 100
                        onTextEdited: lab.randomMinimum = text
                        ToolTip.visible: hovered
                        ToolTip.delay: 500
                        ToolTip.text: qsTr("The smallest integer the source may produce.")
                    }
                    Label {
                        visible: lab.sourceKind === StreamLab.RandomIntegers
                        text: qsTr("and")
                    }
                    TextField {
                        visible: lab.sourceKind === StreamLab.RandomIntegers
                        text: lab.randomMaximum
                        selectByMouse: true
                        Layout.preferredWidth: 100
                        onTextEdited: lab.randomMaximum = text
                        ToolTip.visible: hovered
                        ToolTip.delay: 500
                        ToolTip.text: qsTr("The largest integer the source may produce.")
                    }

                    // The scenario's samples
                    Label {
                        visible: lab.sourceKind === StreamLab.ScenarioSamples
                        text: qsTr("field")
                    }
                    ComboBox {
                        visible: lab.sourceKind === StreamLab.ScenarioSamples
                        model: lab.sampleFieldNames
                        currentIndex: lab.sampleField
                        implicitContentWidthPolicy: ComboBox.WidestText
                        onActivated: (choice) => lab.sampleField = choice
                        Layout.columnSpan: 5
                        ToolTip.visible: hovered
                        ToolTip.delay: 500
                        ToolTip.text: qsTr("The value of each sample of the last run that the "
                                           + "stream receives, in time order.")
                    }
                }

                Label {
                    text: lab.sourceError.length > 0
                          ? lab.sourceError
                          : lab.sourceKind === StreamLab.ScenarioSamples
                            ? (root.controller.keptSampleCount > 0
                               ? qsTr("%1 samples of \"%2\".")
                                 .arg(root.formatCount(root.controller.keptSampleCount))
                                 .arg(root.controller.scenarioName)
                               : qsTr("Run the scenario on the Run tab first: it has no samples yet."))
                            : lab.sourceKind === StreamLab.Latencies
                              ? qsTr("Request latencies in whole ms, log-normal around a 20 ms median.")
                              : lab.sourceKind === StreamLab.StatusCodes
                                ? qsTr("HTTP status codes, mostly 200, a few 4xx and 5xx.")
                                : ""
                    visible: text.length > 0
                    color: lab.sourceError.length > 0 ? Theme.rejected : Theme.mutedText
                    font.pixelSize: Theme.smallFontSize
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }
            }
        }

        RowLayout {
            spacing: Theme.smallSpacing
            enabled: !lab.running
            Layout.fillWidth: true

            Label {
                text: qsTr("Steps")
                font.bold: true
            }
            Item {
                Layout.fillWidth: true
            }
            ComboBox {
                id: kindBox
                objectName: "stepKindBox"
                model: lab.steps.kindNames
                implicitContentWidthPolicy: ComboBox.WidestText
                ToolTip.visible: hovered
                ToolTip.delay: 500
                ToolTip.text: qsTr("The kind of step that Add step appends to the pipeline.")
            }
            Button {
                objectName: "addStepButton"
                text: qsTr("Add step")
                onClicked: lab.steps.addStep(kindBox.currentIndex)
            }
            Button {
                text: qsTr("Clear")
                enabled: lab.steps.count > 0
                onClicked: lab.steps.clear()
            }
        }

        ListView {
            id: stepList
            objectName: "stepList"
            model: lab.steps
            spacing: Theme.smallSpacing
            clip: true
            Layout.fillWidth: true
            Layout.fillHeight: true
            ScrollBar.vertical: ScrollBar {}

            delegate: StepRow {
                stepModel: lab.steps
                editable: !lab.running
                width: ListView.view.width
            }

            Label {
                anchors.centerIn: parent
                visible: stepList.count === 0
                text: qsTr("No steps: the stream passes the source through unchanged.\n"
                           + "Pick a kind above and press Add step.")
                horizontalAlignment: Text.AlignHCenter
                color: Theme.mutedText
            }
        }

        RowLayout {
            spacing: Theme.smallSpacing
            Layout.fillWidth: true

            Button {
                objectName: "runStreamButton"
                text: qsTr("Run stream")
                enabled: !lab.running && lab.sourceError.length === 0 && lab.steps.valid
                highlighted: true
                onClicked: lab.run()
            }
            Button {
                text: qsTr("Cancel")
                enabled: lab.running
                onClicked: lab.cancel()
            }
            BusyIndicator {
                running: lab.running
                visible: lab.running
                Layout.preferredHeight: 28
                Layout.preferredWidth: 28
            }
            Label {
                text: lab.running ? qsTr("Running: %1 elements from the source so far")
                                    .arg(root.formatCount(lab.sourceProduced))
                                  : !lab.steps.valid ? qsTr("Fix the steps marked in red to run.")
                                                     : ""
                color: lab.steps.valid ? Theme.mutedText : Theme.rejected
                elide: Text.ElideRight
                Layout.fillWidth: true
            }
        }
    }

    // ---- Right: what the last run did ----
    ColumnLayout {
        spacing: Theme.spacing
        Layout.fillHeight: true
        Layout.fillWidth: true
        Layout.preferredWidth: 2

        Rectangle {
            objectName: "streamError"
            visible: lab.errorMessage.length > 0
            color: Theme.errorBackground
            border.color: Theme.rejected
            radius: Theme.radius
            implicitHeight: errorLabel.implicitHeight + Theme.spacing
            Layout.fillWidth: true

            Label {
                id: errorLabel
                anchors.fill: parent
                anchors.margins: Theme.smallSpacing
                text: lab.errorMessage
                wrapMode: Text.Wrap
            }
        }

        RowLayout {
            spacing: Theme.smallSpacing
            Layout.fillWidth: true

            CounterTile {
                label: qsTr("Output elements")
                Layout.preferredWidth: 1
                value: lab.hasResult ? root.formatCount(lab.outputCount) : "–"
                Layout.fillWidth: true
            }
            CounterTile {
                label: qsTr("Time")
                Layout.preferredWidth: 1
                value: lab.hasResult ? qsTr("%1 ms").arg((lab.elapsedSeconds * 1000).toFixed(1))
                                     : "–"
                Layout.fillWidth: true
            }
            CounterTile {
                label: qsTr("Source elements / s")
                Layout.preferredWidth: 1
                value: lab.hasResult ? root.formatCount(lab.elementsPerSecond) : "–"
                Layout.fillWidth: true
            }
        }

        Label {
            text: qsTr("Elements into and out of each step")
            font.bold: true
        }
        // A framed column sized by its content, so that the output below never overlaps it.
        Rectangle {
            color: Theme.panel
            border.color: Theme.border
            radius: Theme.radius
            implicitHeight: countColumn.implicitHeight + 2 * Theme.smallSpacing
            Layout.fillWidth: true

            ColumnLayout {
                id: countColumn
                anchors.left: parent.left
                anchors.right: parent.right
                anchors.top: parent.top
                anchors.margins: Theme.smallSpacing
                spacing: Theme.smallSpacing

                Label {
                    visible: lab.hasCounts
                    text: qsTr("Light bar: elements in. Dark bar: elements out. A limit stops "
                               + "pulling early, so the steps before it see fewer elements.")
                    color: Theme.mutedText
                    font.pixelSize: Theme.smallFontSize
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }
                Label {
                    visible: !lab.hasCounts
                    text: qsTr("Run the stream to see how many elements each step passes on.")
                    color: Theme.mutedText
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }

                CountBar {
                    visible: lab.hasCounts
                    label: qsTr("source")
                    inCount: lab.sourceProduced
                    outCount: lab.sourceProduced
                    largest: lab.largestCount
                    Layout.fillWidth: true
                }
                Repeater {
                    model: lab.steps
                    delegate: CountBar {
                        required property int index
                        required property string title
                        required property var enteredCount
                        required property var leftCount
                        visible: lab.hasCounts && enteredCount >= 0
                        label: qsTr("%1. %2").arg(index + 1).arg(title)
                        inCount: enteredCount
                        outCount: leftCount
                        largest: lab.largestCount
                        Layout.fillWidth: true
                    }
                }
            }
        }

        GroupBox {
            title: lab.hasResult && lab.outputCount > lab.preview.length
                   ? qsTr("Output: the first %1 of %2 elements").arg(lab.preview.length)
                     .arg(root.formatCount(lab.outputCount))
                   : qsTr("Output")
            Layout.fillWidth: true
            Layout.fillHeight: true

            ScrollView {
                anchors.fill: parent
                clip: true

                Flow {
                    objectName: "previewFlow"
                    width: parent.width
                    spacing: Theme.smallSpacing

                    Repeater {
                        model: lab.preview
                        delegate: Label {
                            required property var modelData
                            text: root.formatValue(modelData)
                            font.family: "monospace"
                        }
                    }
                }
            }
        }
    }
}
