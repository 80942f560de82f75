package seed

type demoMedication struct {
	name, strength, form, rxnorm string
	arv                          bool
}

var demoMedications = []demoMedication{
	{"Metformin", "500 mg", "tablet", "861007", false},
	{"Lisinopril", "10 mg", "tablet", "314076", false},
	{"Atorvastatin", "20 mg", "tablet", "617310", false},
	{"Levothyroxine", "50 mcg", "tablet", "966222", false},
	{"Warfarin", "5 mg", "tablet", "855332", false},
	{"Bictegravir/Emtricitabine/Tenofovir alafenamide", "50/200/25 mg", "tablet", "1999563", true},
	{"Sertraline", "50 mg", "tablet", "312940", false},
	{"Amlodipine", "5 mg", "tablet", "308135", false},
	{"Albuterol", "90 mcg/actuation", "inhaler", "745679", false},
	{"Acetaminophen", "500 mg", "tablet", "198440", false},
}

type demoRegimen struct {
	med      string
	qty      float64
	unit     string
	timing   string // FHIR Timing.repeat subset, wall-clock times in the patient's zone
	prn      bool
	critical bool
}

type demoPatient struct {
	name, born, zone, locale string
	dispenser                bool
	regimens                 []demoRegimen
}

var (
	twiceDaily = `{"timeOfDay":["08:00","20:00"]}`
	morning    = `{"timeOfDay":["08:00"]}`
	evening    = `{"timeOfDay":["21:00"]}`
	every8h    = `{"frequency":1,"period":8,"periodUnit":"h"}`
	prnDaily4  = `{"maxDosePerPeriod":{"count":4,"period":1,"periodUnit":"d"}}`
)

var demoPatients = []demoPatient{
	{"Margaret Chen", "1948-03-12", "America/New_York", "en", true, []demoRegimen{
		{"Metformin", 1, "tablet", twiceDaily, false, false}, {"Lisinopril", 1, "tablet", morning, false, false}}},
	{"Robert Johnson", "1952-07-30", "America/New_York", "en", true, []demoRegimen{
		{"Warfarin", 1, "tablet", evening, false, true}, {"Atorvastatin", 1, "tablet", evening, false, false}}},
	{"Aisha Williams", "1979-11-02", "America/New_York", "en", true, []demoRegimen{
		{"Bictegravir/Emtricitabine/Tenofovir alafenamide", 1, "tablet", morning, false, true}}},
	{"Carlos Ramirez", "1961-01-19", "America/Chicago", "es", true, []demoRegimen{
		{"Metformin", 1, "tablet", twiceDaily, false, false}, {"Amlodipine", 1, "tablet", morning, false, false}}},
	{"Linda Park", "1955-05-08", "America/Chicago", "en", false, []demoRegimen{
		{"Levothyroxine", 1, "tablet", `{"timeOfDay":["06:30"]}`, false, false}, {"Acetaminophen", 1, "tablet", prnDaily4, true, false}}},
	{"James O'Brien", "1944-09-23", "America/Los_Angeles", "en", true, []demoRegimen{
		{"Lisinopril", 1, "tablet", morning, false, false}, {"Atorvastatin", 1, "tablet", evening, false, false},
		{"Metformin", 1, "tablet", twiceDaily, false, false}}},
	{"Sofia Rossi", "1983-02-14", "America/Los_Angeles", "en", false, []demoRegimen{
		{"Sertraline", 1, "tablet", morning, false, false}, {"Albuterol", 2, "puff", prnDaily4, true, false}}},
	{"William Hughes", "1950-12-01", "Europe/London", "en", true, []demoRegimen{
		{"Warfarin", 1, "tablet", `{"timeOfDay":["18:00"]}`, false, true}}},
	{"Priya Sharma", "1970-06-17", "Asia/Kolkata", "en", true, []demoRegimen{
		{"Metformin", 1, "tablet", every8h, false, false}}},
	{"Elena García", "1958-04-05", "Europe/Madrid", "es", false, []demoRegimen{
		{"Amlodipine", 1, "tablet", morning, false, false}, {"Levothyroxine", 1, "tablet", `{"timeOfDay":["07:00"]}`, false, false}}},
	{"Noah Thompson", "1990-08-28", "Australia/Sydney", "en", false, []demoRegimen{
		{"Bictegravir/Emtricitabine/Tenofovir alafenamide", 1, "tablet", evening, false, true}}},
	{"Olivia Brown", "1946-10-10", "Europe/London", "en", false, []demoRegimen{
		{"Lisinopril", 1, "tablet", morning, false, false}, {"Sertraline", 1, "tablet", morning, false, false},
		{"Acetaminophen", 1, "tablet", prnDaily4, true, false}}},
}
