# The seed page's first sample ("Custom aliases"), verbatim except two things the page
# asks for: the import line, and the values within <> replaced with our own.
import registry_sdk as wandb

# Initialize a run
run = wandb.init(entity = "ml-team", project = "zoo_experiment")

# Create an artifact object
# The type parameter specifies both the type of the 
# artifact object and the collection type
artifact = wandb.Artifact(name = "zoo_model", type = "model")

# Add the file to the artifact object. 
# Specify the path to the file on your local machine.
artifact.add_file(local_path = "zoo_model.pt")

# Specify the collection and registry to link the artifact to
REGISTRY_NAME = "Model"
COLLECTION_NAME = "zoo"
target_path=f"wandb-registry-{REGISTRY_NAME}/{COLLECTION_NAME}"

# Link the artifact version to the collection
# Add one or more aliases to this artifact version
run.link_artifact(
    artifact = artifact, 
    target_path = target_path, 
    aliases = ["candidate", "best_model"]
    )
