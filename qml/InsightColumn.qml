import QtQuick
import QtQuick.Layouts
import Goflow.Studio

// The run page's right-hand column: what to look for in the scenario, the run's notable events
// and what queueing theory predicts next to what the run measured.
ColumnLayout {
    id: column

    required property StudioController controller
    readonly property alias eventLog: eventLog
    readonly property alias theory: theory

    // The user picked an event in the log; the run page moves its replay cursor to `seconds`.
    signal jumpRequested(real seconds)

    spacing: Theme.spacing

    EventLogModel {
        id: eventLog
        objectName: "eventLog"
        controller: column.controller
        onJumpRequested: (seconds) => column.jumpRequested(seconds)
    }
    TheoryModel {
        id: theory
        objectName: "theory"
        controller: column.controller
    }

    LookForPanel {
        objectName: "lookForPanel"
        notes: theory.lookFor
        fromScenario: theory.lookForFromScenario
        Layout.fillWidth: true
        Layout.preferredHeight: Math.min(implicitHeight, column.height * 0.25)
    }
    EventLogPane {
        objectName: "eventLogPane"
        eventModel: eventLog
        Layout.fillWidth: true
        Layout.fillHeight: true
    }
    TheoryPanel {
        objectName: "theoryPanel"
        theory: theory
        Layout.fillWidth: true
    }
}
