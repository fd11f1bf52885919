import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Goflow.Studio

// One row of an inspector form: the parameter's name, its field (a text field or a choice), its
// unit, and the reason the last value was rejected. The model parses and validates the text.
ColumnLayout {
    id: field

    required property int index
    required property string name
    required property string key
    required property string value
    required property string unit
    required property string kind
    required property var choices
    required property int choiceIndex
    required property string tooltip
    required property string error
    required property bool editable
    required property bool optional
    required property ParameterModel parameters

    spacing: 2

    RowLayout {
        spacing: Theme.smallSpacing
        Layout.fillWidth: true

        Label {
            text: field.name
            color: Theme.text
            font.pixelSize: Theme.fontSize
            elide: Text.ElideRight
            Layout.preferredWidth: Theme.fieldLabelWidth
            Layout.alignment: Qt.AlignVCenter
            ToolTip.visible: labelHover.hovered
            ToolTip.text: field.tooltip
            ToolTip.delay: 500

            HoverHandler {
                id: labelHover
            }
        }

        ComboBox {
            id: choiceBox
            objectName: "choice_" + field.key
            visible: field.kind === "choice"
            model: field.choices
            currentIndex: field.choiceIndex
            Layout.fillWidth: true
            ToolTip.visible: hovered
            ToolTip.text: field.tooltip
            ToolTip.delay: 500
            onActivated: (index) => field.parameters.setValue(field.index, field.choices[index])
        }

        TextField {
            id: textField
            objectName: "field_" + field.key
            visible: field.kind !== "choice"
            readOnly: !field.editable
            text: field.value
            placeholderText: field.optional ? qsTr("none") : ""
            selectByMouse: true
            inputMethodHints: field.kind === "text" ? Qt.ImhNone : Qt.ImhFormattedNumbersOnly
            color: field.error.length > 0 ? Theme.rejected : Theme.text
            Layout.fillWidth: true
            ToolTip.visible: hovered
            ToolTip.text: field.tooltip
            ToolTip.delay: 500
            // Apply on Enter or when focus leaves; an unchanged text is left alone.
            onEditingFinished: {
                if (field.editable && text !== field.value)
                    field.parameters.setValue(field.index, text);
            }
        }

        Label {
            text: field.unit
            color: Theme.mutedText
            font.pixelSize: Theme.smallFontSize
            Layout.preferredWidth: Theme.unitWidth
        }
    }

    Label {
        objectName: "error_" + field.key
        visible: field.error.length > 0
        text: field.error
        color: Theme.rejected
        font.pixelSize: Theme.smallFontSize
        wrapMode: Text.Wrap
        Layout.fillWidth: true
        Layout.leftMargin: Theme.fieldLabelWidth + Theme.smallSpacing
    }
}
