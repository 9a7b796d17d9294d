DROP TABLE eligibility_results;
DROP TABLE policy_versions;
