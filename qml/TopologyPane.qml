import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Goflow.Studio

// The scenario's elements in the order a request meets them, with buttons to add and remove
// request classes, to add, remove and reorder limiters and stages, and to add or remove the async
// writer, which always comes last. Clicking an element shows it in the inspector.
Rectangle {
    id: pane

    required property TopologyModel topology
    required property int selectedClass
    required property string selectedClassName
    required property int classCount

    color: Theme.panel
    border.color: Theme.border
    radius: Theme.radius

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.smallSpacing
        spacing: Theme.smallSpacing

        Label {
            text: qsTr("Topology")
            font.bold: true
            font.pixelSize: Theme.fontSize
            color: Theme.text
        }
        Label {
            text: qsTr("A request passes from top to bottom.")
            color: Theme.mutedText
            font.pixelSize: Theme.smallFontSize
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }

        ListView {
            id: list
            objectName: "topologyList"
            model: pane.topology
            clip: true
            spacing: 2
            currentIndex: pane.topology.selectedRow
            Layout.fillWidth: true
            Layout.fillHeight: true

            delegate: Rectangle {
                id: element

                required property int index
                required property string title
                required property string kind
                required property string summary
                required property bool selected
                required property int classIndex

                width: ListView.view.width
                implicitHeight: elementColumn.implicitHeight + Theme.smallSpacing * 2
                radius: Theme.radius
                color: selected ? Theme.selection : "transparent"
                border.color: selected ? Theme.accent : "transparent"

                MouseArea {
                    anchors.fill: parent
                    onClicked: pane.topology.selectedRow = element.index
                }

                // A line above each further request class keeps its client and limiters together.
                Rectangle {
                    visible: element.kind === "client" && element.classIndex > 0
                             && !element.selected
                    color: Theme.border
                    height: 1
                    anchors.top: parent.top
                    anchors.left: parent.left
                    anchors.right: parent.right
                    anchors.topMargin: -1
                }

                ColumnLayout {
                    id: elementColumn
                    anchors.left: parent.left
                    anchors.right: parent.right
                    anchors.verticalCenter: parent.verticalCenter
                    anchors.leftMargin: element.kind === "limiter" ? Theme.spacing * 2
                                                                   : Theme.smallSpacing
                    anchors.rightMargin: Theme.smallSpacing
                    spacing: 0

                    Label {
                        text: element.title
                        color: Theme.text
                        font.pixelSize: Theme.fontSize
                        font.bold: element.kind === "pool"
                        elide: Text.ElideRight
                        Layout.fillWidth: true
                    }
                    // Wraps, so that a long summary such as the writer's stays readable in
                    // the narrow pane.
                    Label {
                        objectName: "topologySummary"
                        text: element.summary
                        color: Theme.mutedText
                        font.pixelSize: Theme.smallFontSize
                        wrapMode: Text.Wrap
                        Layout.fillWidth: true
                    }
                }
            }
        }

        Label {
            objectName: "topologyError"
            visible: pane.topology.errorMessage.length > 0
            text: pane.topology.errorMessage
            color: Theme.rejected
            font.pixelSize: Theme.smallFontSize
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }

        RowLayout {
            spacing: Theme.smallSpacing
            Layout.fillWidth: true

            Button {
                objectName: "moveUpButton"
                text: qsTr("Up")
                enabled: pane.topology.canMoveSelectedUp
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Move the selected limiter or stage one place earlier.")
                ToolTip.delay: 500
                onClicked: pane.topology.move(pane.topology.selectedRow,
                                              pane.topology.selectedRow - 1)
            }
            Button {
                objectName: "moveDownButton"
                text: qsTr("Down")
                enabled: pane.topology.canMoveSelectedDown
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Move the selected limiter or stage one place later.")
                ToolTip.delay: 500
                onClicked: pane.topology.move(pane.topology.selectedRow,
                                              pane.topology.selectedRow + 1)
            }
            Button {
                objectName: "removeButton"
                text: qsTr("Remove")
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Remove the selected limiter, stage or writer, or the "
                                   + "selected client with its request class.")
                ToolTip.delay: 500
                onClicked: pane.topology.remove(pane.topology.selectedRow)
            }
        }
        // A Flow, so that the add buttons wrap onto a second line in a narrow pane.
        Flow {
            spacing: Theme.smallSpacing
            Layout.fillWidth: true

            Button {
                objectName: "addClassButton"
                text: qsTr("Add class")
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Add a request class with its own client, a constant load and "
                                   + "no limiters, and select it.")
                ToolTip.delay: 500
                onClicked: pane.topology.addClass()
            }
            Button {
                objectName: "removeClassButton"
                text: qsTr("Remove class")
                ToolTip.visible: hovered
                ToolTip.text: pane.classCount <= 1
                              ? qsTr("The only request class cannot be removed: a scenario "
                                     + "needs at least one.")
                              : pane.selectedClassName.length > 0
                                ? qsTr("Remove the request class “%1” with its client, load and "
                                       + "limiters.").arg(pane.selectedClassName)
                                : qsTr("Remove request class %1 with its client, load and "
                                       + "limiters.").arg(pane.selectedClass + 1)
                ToolTip.delay: 500
                onClicked: pane.topology.removeClass(pane.selectedClass)
            }
            Button {
                objectName: "addLimiterButton"
                text: qsTr("Add limiter…")
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Append a limiter to the selected client's chain.")
                ToolTip.delay: 500
                onClicked: limiterMenu.open()

                Menu {
                    id: limiterMenu
                    y: parent.height

                    MenuItem {
                        text: qsTr("Token bucket")
                        onTriggered: pane.topology.addLimiter(pane.selectedClass, "token_bucket")
                    }
                    MenuItem {
                        text: qsTr("Leaky bucket")
                        onTriggered: pane.topology.addLimiter(pane.selectedClass, "leaky_bucket")
                    }
                    MenuItem {
                        text: qsTr("Concurrency limiter")
                        onTriggered: pane.topology.addLimiter(pane.selectedClass, "concurrency")
                    }
                }
            }
            Button {
                objectName: "addStageButton"
                text: qsTr("Add stage")
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Append a pipeline stage after the pool and the other stages.")
                ToolTip.delay: 500
                onClicked: pane.topology.addStage()
            }
            // A disabled button receives no hover events, so the item around it shows the tooltip.
            Item {
                implicitWidth: addWriterButton.implicitWidth
                implicitHeight: addWriterButton.implicitHeight

                HoverHandler {
                    id: addWriterHover
                }
                ToolTip.visible: addWriterHover.hovered
                ToolTip.text: pane.topology.hasWriter
                              ? qsTr("The scenario has a writer already; a scenario has at most one.")
                              : qsTr("Add an async writer after the last stage; every "
                                     + "finished request writes one record into it.")
                ToolTip.delay: 500

                Button {
                    id: addWriterButton
                    objectName: "addWriterButton"
                    anchors.fill: parent
                    text: qsTr("Add writer")
                    enabled: !pane.topology.hasWriter
                    onClicked: pane.topology.addWriter()
                }
            }
        }
    }
}
