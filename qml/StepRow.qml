import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Goflow.Studio

// One step of the Stream Lab's pipeline: its kind and variant, its parameter fields with their
// validation message, buttons to move or remove it, and its counts from the last run.
Rectangle {
    id: row

    required property StepModel stepModel
    required property int index
    required property string title
    required property string description
    required property int variant
    required property var variantNames
    required property string firstText
    required property string secondText
    required property string firstLabel
    required property string secondLabel
    required property string firstToolTip
    required property string secondToolTip
    required property string error
    required property var enteredCount
    required property var leftCount
    property bool editable: true

    function formatCount(value) {
        return Number(value).toLocaleString(Qt.locale(), "f", 0);
    }

    implicitHeight: column.implicitHeight + 2 * Theme.smallSpacing
    radius: Theme.radius
    color: Theme.panel
    border.color: row.error.length > 0 ? Theme.rejected : Theme.border

    ColumnLayout {
        id: column
        anchors.fill: parent
        anchors.margins: Theme.smallSpacing
        spacing: Theme.smallSpacing

        RowLayout {
            spacing: Theme.smallSpacing
            Layout.fillWidth: true

            Label {
                text: qsTr("%1. %2").arg(row.index + 1).arg(row.title)
                font.bold: true
                Layout.preferredWidth: 80
            }
            ComboBox {
                visible: row.variantNames.length > 0
                enabled: row.editable
                model: row.variantNames
                currentIndex: row.variant
                implicitContentWidthPolicy: ComboBox.WidestText
                onActivated: (choice) => row.stepModel.setVariant(row.index, choice)
                ToolTip.visible: hovered
                ToolTip.delay: 500
                ToolTip.text: qsTr("Chooses what this %1 step does.").arg(row.title)
            }
            Label {
                visible: row.firstLabel.length > 0
                text: row.firstLabel
                color: Theme.mutedText
            }
            TextField {
                objectName: "firstField"
                visible: row.firstLabel.length > 0
                enabled: row.editable
                text: row.firstText
                selectByMouse: true
                Layout.preferredWidth: 90
                onTextEdited: row.stepModel.setFirstText(row.index, text)
                ToolTip.visible: hovered
                ToolTip.delay: 500
                ToolTip.text: row.firstToolTip
            }
            Label {
                visible: row.secondLabel.length > 0
                text: row.secondLabel
                color: Theme.mutedText
            }
            TextField {
                objectName: "secondField"
                visible: row.secondLabel.length > 0
                enabled: row.editable
                text: row.secondText
                selectByMouse: true
                Layout.preferredWidth: 90
                onTextEdited: row.stepModel.setSecondText(row.index, text)
                ToolTip.visible: hovered
                ToolTip.delay: 500
                ToolTip.text: row.secondToolTip
            }
            Item {
                Layout.fillWidth: true
            }
            ToolButton {
                text: qsTr("Up")
                enabled: row.editable && row.index > 0
                onClicked: row.stepModel.moveStep(row.index, row.index - 1)
                ToolTip.visible: hovered
                ToolTip.delay: 500
                ToolTip.text: qsTr("Moves this step one place earlier in the pipeline.")
            }
            ToolButton {
                text: qsTr("Down")
                enabled: row.editable && row.index < row.stepModel.count - 1
                onClicked: row.stepModel.moveStep(row.index, row.index + 1)
                ToolTip.visible: hovered
                ToolTip.delay: 500
                ToolTip.text: qsTr("Moves this step one place later in the pipeline.")
            }
            ToolButton {
                text: qsTr("Remove")
                enabled: row.editable
                onClicked: row.stepModel.removeStep(row.index)
                ToolTip.visible: hovered
                ToolTip.delay: 500
                ToolTip.text: qsTr("Removes this step from the pipeline.")
            }
        }

        RowLayout {
            spacing: Theme.spacing
            Layout.fillWidth: true

            Label {
                text: row.error.length > 0 ? row.error : row.description
                color: row.error.length > 0 ? Theme.rejected : Theme.mutedText
                font.pixelSize: Theme.smallFontSize
                elide: Text.ElideRight
                Layout.fillWidth: true
            }
            Label {
                visible: row.enteredCount >= 0
                text: qsTr("%1 in → %2 out").arg(row.formatCount(row.enteredCount))
                                           .arg(row.formatCount(row.leftCount))
                font.pixelSize: Theme.smallFontSize
            }
        }
    }
}
